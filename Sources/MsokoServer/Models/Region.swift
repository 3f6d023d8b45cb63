import Fluent
import Foundation

/// A region (субъект РФ). A national deployment shards by region.
final class Region: Model, @unchecked Sendable {
    static let schema = "regions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "name") var name: String
    @Field(key: "code") var code: String

    init() {}
    init(id: UUID? = nil, name: String, code: String) {
        self.id = id
        self.name = name
        self.code = code
    }
}

/// A municipality (district) with its education department.
final class Municipality: Model, @unchecked Sendable {
    static let schema = "municipalities"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "name") var name: String
    /// «Управление образования Администрации Зырянского района»
    @Field(key: "department_name") var departmentName: String
    /// IANA time zone that decides when a checkpoint is overdue, e.g. «Asia/Tomsk».
    @Field(key: "time_zone") var timeZone: String

    @Parent(key: "region_id") var region: Region

    init() {}
    init(id: UUID? = nil, regionID: UUID, name: String, departmentName: String, timeZone: String) {
        self.id = id
        self.$region.id = regionID
        self.name = name
        self.departmentName = departmentName
        self.timeZone = timeZone
    }

    var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Europe/Moscow")! }
}
