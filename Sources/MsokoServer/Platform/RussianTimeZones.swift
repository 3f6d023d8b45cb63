import Foundation

/// The time zones of Russia as a district picks one: «Томск (МСК+4, UTC+7)», not «Asia/Tomsk».
enum RussianTimeZones {
    /// IANA identifiers with the city a district knows them by, west to east.
    static let all: [(id: String, city: String)] = [
        ("Europe/Kaliningrad", "Калининград"), ("Europe/Moscow", "Москва"), ("Europe/Kirov", "Киров"), ("Europe/Volgograd", "Волгоград"),
        ("Europe/Astrakhan", "Астрахань"), ("Europe/Saratov", "Саратов"), ("Europe/Ulyanovsk", "Ульяновск"), ("Europe/Samara", "Самара"),
        ("Asia/Yekaterinburg", "Екатеринбург"), ("Asia/Omsk", "Омск"), ("Asia/Novosibirsk", "Новосибирск"), ("Asia/Barnaul", "Барнаул"),
        ("Asia/Tomsk", "Томск"), ("Asia/Novokuznetsk", "Новокузнецк"), ("Asia/Krasnoyarsk", "Красноярск"), ("Asia/Irkutsk", "Иркутск"),
        ("Asia/Chita", "Чита"), ("Asia/Yakutsk", "Якутск"), ("Asia/Khandyga", "Хандыга"), ("Asia/Vladivostok", "Владивосток"),
        ("Asia/Ust-Nera", "Усть-Нера"), ("Asia/Magadan", "Магадан"), ("Asia/Sakhalin", "Сахалин"), ("Asia/Srednekolymsk", "Среднеколымск"),
        ("Asia/Kamchatka", "Камчатка"), ("Asia/Anadyr", "Анадырь"),
    ]

    /// «Томск (МСК+4, UTC+7)».
    static func label(_ id: String, at date: Date = Date()) -> String {
        guard let zone = TimeZone(identifier: id) else { return id }
        let city = all.first { $0.id == id }?.city ?? id
        let hours = zone.secondsFromGMT(for: date) / 3600
        let moscow = (TimeZone(identifier: "Europe/Moscow")?.secondsFromGMT(for: date) ?? 10800) / 3600
        let msk = hours - moscow == 0 ? "МСК" : String(format: "МСК%+d", hours - moscow)
        return "\(city) (\(msk), UTC\(String(format: "%+d", hours)))"
    }

    /// `<option>`s, the stored zone selected (kept even when it is not a Russian one).
    static func options(selected: String) -> HTML {
        var ids = all.map(\.id)
        if !ids.contains(selected) { ids.insert(selected, at: 0) }
        return HTML(ids.map { id in
            id == selected ? #"<option value="\#(id)" selected>\#(label(id))</option>"# as HTML : #"<option value="\#(id)">\#(label(id))</option>"#
        }, separator: "")
    }
}
