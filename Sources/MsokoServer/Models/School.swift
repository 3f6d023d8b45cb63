import Fluent
import Foundation

/// An educational organisation (ОО).
final class School: Model, @unchecked Sendable {
    static let schema = "schools"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "login") var login: String
    @Field(key: "full_name") var fullName: String
    @Field(key: "short_name") var shortName: String
    @Field(key: "type") var type: String
    @Field(key: "is_demo") var isDemo: Bool
    @Field(key: "is_active") var isActive: Bool

    @Field(key: "region_id") var regionID: UUID
    @Parent(key: "municipality_id") var municipality: Municipality

    init() {}
    init(id: UUID? = nil, regionID: UUID, municipalityID: UUID, login: String, fullName: String,
         shortName: String, type: String, isDemo: Bool = false) {
        self.id = id
        self.regionID = regionID
        self.$municipality.id = municipalityID
        self.login = login
        self.fullName = fullName
        self.shortName = shortName
        self.type = type
        self.isDemo = isDemo
        self.isActive = true
    }
}

/// A class of a school in one school year (e.g. 4А in 2025-2026) with its enrolment.
final class SchoolClass: Model, @unchecked Sendable {
    static let schema = "school_classes"

    @ID(key: .id) var id: UUID?
    @Field(key: "school_year") var schoolYear: String
    @Field(key: "name") var name: String
    @Field(key: "grade") var grade: Int
    @Field(key: "enrolment") var enrolment: Int

    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @Parent(key: "school_id") var school: School
    @Siblings(through: ClassTeacher.self, from: \.$schoolClass, to: \.$teacher) var teachers: [User]

    init() {}
    init(id: UUID? = nil, school: School, schoolYear: String, name: String, grade: Int, enrolment: Int) throws {
        self.id = id
        self.$school.id = try school.requireID()
        self.regionID = school.regionID
        self.municipalityID = school.$municipality.id
        self.schoolYear = schoolYear
        self.name = name
        self.grade = grade
        self.enrolment = enrolment
    }
}

/// A teacher linked to a class (several teachers may teach one class).
final class ClassTeacher: Model, @unchecked Sendable {
    static let schema = "class_teachers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "class_id") var schoolClass: SchoolClass
    @Parent(key: "teacher_id") var teacher: User
    @Field(key: "subject") var subject: String?

    init() {}
}
