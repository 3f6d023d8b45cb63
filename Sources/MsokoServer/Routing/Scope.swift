import Fluent
import Vapor

/// Scope rules, checked on the server for every page and API route.
extension User {
    /// A district-wide role sees every school of its municipality; a head or teacher only their own.
    func canSee(school: School) -> Bool {
        if role.seesDistrict || role == .methodist {
            return school.$municipality.id == $municipality.id
        }
        if role == .head { return school.id == $school.id }
        return false
    }

    /// Who may write a school's report on a checkpoint: its head (own school only) or a specialist.
    func canReport(forSchool school: School) -> Bool {
        switch role {
        case .head: return school.id == $school.id
        case .specialist: return school.$municipality.id == $municipality.id
        default: return false
        }
    }

    /// Who may write the district-level report of a measure's checkpoint.
    func canReportDistrict(for measure: Measure) -> Bool {
        guard measure.municipalityID == $municipality.id else { return false }
        if role == .specialist { return true }
        if role == .methodist { return ExecutorParser.executors(from: measure.responsible).contains(.methodAssociationHeads) }
        return false
    }

    /// Results files a user may download: a specialist or administrator all of their district's
    /// (and the region's); a head only their school's own files.
    func mayDownload(_ u: ResultUpload, schoolLogin: String?) -> Bool {
        switch role {
        case .specialist, .admin: return u.municipalityID == nil || u.municipalityID == municipalityID
        case .head: return (u.schoolID != nil && u.schoolID == $school.id) || (schoolLogin != nil && u.schools == schoolLogin)
        default: return false
        }
    }

    var municipalityID: UUID? { $municipality.id }

    /// The user's municipality, or 403 for an account that has none.
    func requireMunicipalityID() throws -> UUID {
        guard let id = $municipality.id else { throw AppError.forbidden }
        return id
    }
}

import MsokoCore
