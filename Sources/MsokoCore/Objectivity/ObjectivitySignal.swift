import Foundation

/// A sign of non-objective results (признак необъективности) in a school or class: what was
/// measured, the level at which it counts, the reference it was compared with, and a sentence a
/// specialist can paste into a справка.
public struct ObjectivitySignal: Sendable, Equatable {
    public enum Indicator: String, Sendable, CaseIterable {
        case highResults, taskProfileInversion, lenientScoring, thresholdHeaping, journalMismatch, personFit, identicalPatterns
        case observerEffect, recheckDiscrepancy, cohortAnomaly, yearAnomaly, participation

        /// The place in `allCases`, without a search.
        public var ordinal: Int {
            switch self {
            case .highResults: return 0
            case .taskProfileInversion: return 1
            case .lenientScoring: return 2
            case .thresholdHeaping: return 3
            case .journalMismatch: return 4
            case .personFit: return 5
            case .identicalPatterns: return 6
            case .observerEffect: return 7
            case .recheckDiscrepancy: return 8
            case .cohortAnomaly: return 9
            case .yearAnomaly: return 10
            case .participation: return 11
            }
        }

        /// Weight in the combined risk (docs/objectivity.md, «Риск»): high results only a little —
        /// a strong school is not flagged for being strong.
        public var weight: Double {
            switch self {
            case .highResults: return 0.2
            // Participation 1 since its z is a beta-binomial tail (no longer the heavy-tailed normal
            // approximation); chosen on the tuning family, where 1 flagged the fewest honest schools.
            case .taskProfileInversion, .thresholdHeaping, .identicalPatterns, .observerEffect, .recheckDiscrepancy, .participation: return 1
            case .lenientScoring: return 0.9
            case .journalMismatch: return 0.8
            case .personFit, .cohortAnomaly: return 0.7
            case .yearAnomaly: return 0.6
            }
        }

        public var title: String {
            switch self {
            case .highResults: return "высокие результаты"
            case .taskProfileInversion: return "инверсия профиля заданий"
            case .lenientScoring: return "завышение баллов за развёрнутые ответы"
            case .thresholdHeaping: return "скопление на границах отметок"
            case .journalMismatch: return "расхождение с журналом"
            case .personFit: return "нетипичные ответы"
            case .identicalPatterns: return "совпадающие работы"
            case .observerEffect: return "эффект наблюдателя"
            case .recheckDiscrepancy: return "расхождение при перепроверке"
            case .cohortAnomaly: return "аномалия когорты"
            case .yearAnomaly: return "аномалия по годам"
            case .participation: return "неполное участие"
            }
        }
    }

    public var indicator: Indicator
    /// The measured value (a share, a difference, a count), as the explanation states it.
    public var value: Double
    /// The level from which the indicator counts as a sign.
    public var threshold: Double
    /// What the value was compared with (the district without this school, or region).
    public var reference: Double
    /// How unlikely the value is for an honest group: a one-sided z-score.
    public var z: Double
    public var explanation: String

    public init(indicator: Indicator, value: Double, threshold: Double, reference: Double, z: Double, explanation: String) {
        self.indicator = indicator
        self.value = value
        self.threshold = threshold
        self.reference = reference
        self.z = z
        self.explanation = explanation
    }
}

/// One sign's part in a group's risk, whether or not it passes its own threshold: the sign with its
/// z against honest groups (docs/objectivity.md, «Риск») and its weight in the combination.
public struct Contribution: Sendable, Equatable {
    public var signal: ObjectivitySignal
    public var weight: Double
    /// Past the sign's own threshold (z and margin): listed as a sign on the card and in the справка.
    public var passes: Bool

    public init(signal: ObjectivitySignal, weight: Double, passes: Bool) {
        self.signal = signal
        self.weight = weight
        self.passes = passes
    }
}

/// The objectivity of one school or class: every sign's contribution, the signs past their own
/// thresholds, and the combined risk 0..1.
public struct GroupRisk: Sendable, Equatable {
    public var school: String
    public var schoolName: String?
    /// nil at school level.
    public var className: String?
    public var participants: Int
    public var risk: Double
    /// Why a group is not assessed (too small), when it is not.
    public var note: String?
    /// Every sign computed for the group, passing or not, in the indicators' order. Sentences are
    /// written for the signs that pass and for every sign of a group at or above the flag of the
    /// settings it was evaluated with.
    public var contributions: [Contribution] = []
    /// For a school: the class whose signs set the school's risk (a manipulated class inside an
    /// otherwise clear school), when they did.
    public var riskFromClass: String?

    public init(school: String, schoolName: String?, className: String?, participants: Int, risk: Double, note: String?,
                contributions: [Contribution] = [], riskFromClass: String? = nil) {
        self.school = school
        self.schoolName = schoolName
        self.className = className
        self.participants = participants
        self.risk = risk
        self.note = note
        self.contributions = contributions
        self.riskFromClass = riskFromClass
    }

    /// The signs that pass their own thresholds.
    public var signals: [ObjectivitySignal] { contributions.filter(\.passes).map(\.signal) }

    public func hasSigns(_ settings: ObjectivitySettings) -> Bool { risk >= settings.riskThreshold }

    /// What a list or a справка names for the group: its signs, or else its «слабые признаки».
    public func shownSignals(_ settings: ObjectivitySettings) -> [ObjectivitySignal] {
        let passing = signals
        return passing.isEmpty ? weakSignals(settings) : passing
    }

    /// A group with signs but no sign past its own threshold: its two largest contributions, to be
    /// shown as «слабые признаки» with the same fields. Empty otherwise (and for a school whose risk
    /// comes from a class: the class lists its own).
    public func weakSignals(_ settings: ObjectivitySettings) -> [ObjectivitySignal] {
        guard hasSigns(settings), !contributions.contains(where: \.passes), riskFromClass == nil else { return [] }
        return contributions.filter { $0.signal.z > 0 && $0.weight > 0 }
            .sorted { $0.weight * $0.signal.z > $1.weight * $1.signal.z }
            .prefix(2).map(\.signal)
    }
}

/// Thresholds of the indicators: district settings, with defaults tuned on the detection benchmark
/// (docs/objectivity.md).
public struct ObjectivitySettings: Codable, Sendable, Equatable {
    /// Risk from which a group «есть признаки».
    public var riskThreshold = 0.5
    /// A signal fires from this z (one-sided, p < 0.005): many schools and classes are tested at once.
    public var signalZ = 2.58
    /// Threshold heaping fires from this z: a histogram of a few dozen works is noisy.
    public var heapingZ = 3.0
    /// Groups smaller than this are not assessed.
    public var minimumGroup = 10
    /// High results: share of marks 4 and 5 at least this much above the reference.
    public var highResultsMargin = 0.15
    /// Task-profile inversion: П/В tasks at least this share of their maximum above what works with
    /// the same basic-task points score in the rest of the district.
    public var inversionMargin = 0.10
    /// Lenient scoring: multi-point tasks at least this share of their maximum above what works with
    /// the same points on one-point tasks score in the rest of the district.
    public var lenientMargin = 0.08
    /// Journal mismatch: share of «повысили» at least this much above the reference.
    public var journalMargin = 0.10
    /// Person-fit: a work misfits when its normed Guttman errors exceed the reference's quantile …
    public var personFitQuantile = 0.9
    /// … and the group's share of misfitting works is at least this much above the reference's.
    public var personFitMargin = 0.15
    /// Participation below this share of the enrolled, with results above the reference.
    public var participationMinimum = 0.85
    /// Year and cohort anomalies: a change of the share of 4 and 5 of at least this much.
    public var yearMargin = 0.25

    public init() {}

    enum CodingKeys: String, CodingKey {
        case riskThreshold, signalZ, heapingZ, minimumGroup, highResultsMargin, inversionMargin, lenientMargin, journalMargin, personFitQuantile, personFitMargin, participationMinimum, yearMargin
    }

    /// Missing keys keep their defaults, so a stored setting survives new thresholds.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        riskThreshold = try c.decodeIfPresent(Double.self, forKey: .riskThreshold) ?? riskThreshold
        signalZ = try c.decodeIfPresent(Double.self, forKey: .signalZ) ?? signalZ
        heapingZ = try c.decodeIfPresent(Double.self, forKey: .heapingZ) ?? heapingZ
        minimumGroup = try c.decodeIfPresent(Int.self, forKey: .minimumGroup) ?? minimumGroup
        highResultsMargin = try c.decodeIfPresent(Double.self, forKey: .highResultsMargin) ?? highResultsMargin
        inversionMargin = try c.decodeIfPresent(Double.self, forKey: .inversionMargin) ?? inversionMargin
        lenientMargin = try c.decodeIfPresent(Double.self, forKey: .lenientMargin) ?? lenientMargin
        journalMargin = try c.decodeIfPresent(Double.self, forKey: .journalMargin) ?? journalMargin
        personFitQuantile = try c.decodeIfPresent(Double.self, forKey: .personFitQuantile) ?? personFitQuantile
        personFitMargin = try c.decodeIfPresent(Double.self, forKey: .personFitMargin) ?? personFitMargin
        participationMinimum = try c.decodeIfPresent(Double.self, forKey: .participationMinimum) ?? participationMinimum
        yearMargin = try c.decodeIfPresent(Double.self, forKey: .yearMargin) ?? yearMargin
    }

    /// A threshold a district may change: its field name, Russian title and allowed range.
    public struct Editable: Sendable {
        public var name: String
        public var title: String
        public var range: ClosedRange<Double>
    }

    /// The thresholds a district may change (read and written by name: key paths in a static table
    /// miscompiled in debug builds).
    public static let editable: [Editable] = [
        Editable(name: "riskThreshold", title: "Риск, с которого у школы или класса «есть признаки» (0–1)", range: 0.05...0.99),
        Editable(name: "signalZ", title: "Строгость признака: z, с которого он засчитывается (2,58 ≈ p < 0,005)", range: 1.0...6.0),
        Editable(name: "heapingZ", title: "То же для скопления на границах отметок", range: 1.0...6.0),
        Editable(name: "highResultsMargin", title: "Высокие результаты: превышение доли «4» и «5» над остальными школами (доля)", range: 0.01...0.9),
        Editable(name: "inversionMargin", title: "Инверсия профиля: задания П/В выполнены лучше ожидаемого по базовым (доля максимума)", range: 0.01...0.9),
        Editable(name: "lenientMargin", title: "Развёрнутые ответы: баллы выше ожидаемого по остальным заданиям (доля максимума)", range: 0.01...0.9),
        Editable(name: "journalMargin", title: "Журнал: превышение доли «повысили» (доля)", range: 0.01...0.9),
        Editable(name: "personFitMargin", title: "Нетипичные ответы: превышение доли таких работ (доля)", range: 0.01...0.9),
        Editable(name: "participationMinimum", title: "Участие: доля писавших от обучающихся, ниже которой это признак", range: 0.3...1),
        Editable(name: "yearMargin", title: "Скачок по годам и когорте: изменение доли «4» и «5» (доля)", range: 0.05...0.9),
    ]

    public func value(_ name: String) -> Double {
        switch name {
        case "riskThreshold": return riskThreshold
        case "signalZ": return signalZ
        case "heapingZ": return heapingZ
        case "highResultsMargin": return highResultsMargin
        case "inversionMargin": return inversionMargin
        case "lenientMargin": return lenientMargin
        case "journalMargin": return journalMargin
        case "personFitMargin": return personFitMargin
        case "participationMinimum": return participationMinimum
        case "yearMargin": return yearMargin
        default: return .nan
        }
    }

    public mutating func set(_ name: String, _ v: Double) {
        switch name {
        case "riskThreshold": riskThreshold = v
        case "signalZ": signalZ = v
        case "heapingZ": heapingZ = v
        case "highResultsMargin": highResultsMargin = v
        case "inversionMargin": inversionMargin = v
        case "lenientMargin": lenientMargin = v
        case "journalMargin": journalMargin = v
        case "personFitMargin": personFitMargin = v
        case "participationMinimum": participationMinimum = v
        case "yearMargin": yearMargin = v
        default: break
        }
    }
}
