import Foundation

/// Roles from DESIGN.md. Raw values are stored and used on the command line.
enum Role: String, Codable, CaseIterable, Sendable {
    case specialist
    case head
    case teacher
    case methodist
    case observer
    case commission
    case admin

    var russian: String {
        switch self {
        case .specialist: return "специалист Управления образования"
        case .head: return "руководитель ОО / заместитель"
        case .teacher: return "учитель"
        case .methodist: return "руководитель РМО"
        case .observer: return "наблюдатель"
        case .commission: return "член муниципальной комиссии"
        case .admin: return "администратор"
        }
    }

    /// Roles tied to one school.
    var needsSchool: Bool { self == .head || self == .teacher }

    /// Sees the whole district's roadmap, every school's reports, the audit log.
    var seesDistrict: Bool { self == .specialist || self == .admin }

    /// May read the roadmap (measures, timings, overall status).
    var readsRoadmap: Bool { self != .observer && self != .commission }
}
