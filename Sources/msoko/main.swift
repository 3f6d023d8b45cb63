import ArgumentParser
import Foundation
import MsokoServer

/// `msoko`: the server and the administration commands. Every subcommand takes `--data DIR`
/// and honours DATABASE_URL.
@main
struct Msoko: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msoko",
        abstract: "МСОКО — муниципальная система оценки качества образования.",
        subcommands: [Serve.self, Demo.self, AnalyzeCommand.self, Migrate.self, UserCommand.self, SchoolCommand.self, RoadmapCommand.self, TokenCommand.self,
                      ProcedureCommand.self, ImportCommand.self, ExportCommand.self, CheckCommand.self, BenchCommand.self])
}

struct DataOption: ParsableArguments {
    @Option(name: .long, help: "Папка данных (SQLite: DIR/msoko.sqlite). По умолчанию ./msoko-data.")
    var data: String?
}

/// Opens the runtime, runs `body`, closes; Russian errors go to stderr with exit status 1.
func withRuntime(_ data: DataOption, arguments: [String] = ["msoko"], _ body: (MsokoRuntime) async throws -> Void) async throws {
    let runtime: MsokoRuntime
    do {
        runtime = try await MsokoRuntime.open(dataDirectory: data.data, arguments: arguments)
    } catch let e as ConfigError {
        fail(e.description)
    }
    do {
        try await body(runtime)
    } catch let e as ConfigError {
        await runtime.close()
        fail(e.description)
    }
    await runtime.close()
}

/// Unbuffered output, so a log file shows the login hint at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("Ошибка: " + message + "\n").utf8))
    exit(1)
}

/// Warnings and problems to standard error, one a line; the success line to standard output.
/// Returns whether the file was accepted.
func printReport(_ report: MsokoRuntime.ImportReport, accepted: String, refused: String) -> Bool {
    let stderr = FileHandle.standardError
    for w in report.warnings { stderr.write(Data(("Предупреждение: " + w + "\n").utf8)) }
    guard report.problems.isEmpty else {
        stderr.write(Data(("\(refused) Ошибок: \(report.problems.count).\n").utf8))
        for p in report.problems { stderr.write(Data((p + "\n").utf8)) }
        return false
    }
    say(accepted)
    return true
}

/// A password from standard input when it is not a terminal; nil otherwise (generate one).
func passwordFromStdin() -> String? {
    guard isatty(FileHandle.standardInput.fileDescriptor) == 0, let line = readLine(strippingNewline: true) else { return nil }
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty ? nil : trimmed
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Запустить веб-сервер.")
    @Option var hostname = "127.0.0.1"
    @Option var port = 8080
    @Flag(help: "Загрузить демонстрационный район, если база пуста.") var demo = false
    @OptionGroup var data: DataOption

    func run() async throws {
        try await withRuntime(data, arguments: ["msoko", "serve", "--hostname", hostname, "--port", "\(port)"]) { rt in
            if demo, try await rt.isEmpty() {
                try await rt.loadDemo()
                say("Загружен демонстрационный район «Зырянский район».")
            }
            say("База данных: \(rt.describeDatabase)")
            if try await rt.isDemo() {
                say("Демонстрационные учётные записи (пароль demo): specialist, head-zyr, head-mih, teacher, methodist, observer, commission, admin")
            } else if try await rt.isEmpty() {
                say("База пуста: откройте http://\(hostname):\(port)/setup, чтобы создать администратора.")
            }
            say("msoko: откройте http://\(hostname):\(port)/login")
            try await rt.serve()
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Загрузить демонстрационный район в пустую базу.")
    @Flag(help: "Очистить демонстрационную базу и загрузить заново.") var reset = false
    @OptionGroup var data: DataOption

    func run() async throws {
        try await withRuntime(data) { rt in
            if reset {
                try await rt.resetDemo()
            } else {
                guard try await rt.isEmpty() else { throw ConfigError("База не пуста; чтобы загрузить демо заново, используйте msoko demo --reset.") }
                try await rt.loadDemo()
            }
            say("Демонстрационный район загружен (\(rt.describeDatabase)). Пароль всех демо-учётных записей: demo.")
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Создать или обновить структуру базы данных.")
    @OptionGroup var data: DataOption
    func run() async throws {
        try await withRuntime(data) { rt in say("Миграции выполнены (\(rt.describeDatabase)).") }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Учётные записи.",
                                                    subcommands: [Add.self, Passwd.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Создать пользователя (пароль со стандартного ввода или сгенерированный).")
        @Argument var login: String
        @Option(help: "specialist|head|teacher|methodist|observer|commission|admin") var role: String
        @Option(help: "Логин школы eduNNNNNN (для head и teacher).") var school: String?
        @Option(help: "ФИО.") var name: String?
        @Option(help: "Регион (для первого администратора пустой базы).") var region: String?
        @Option(help: "Муниципалитет (для первого администратора пустой базы).") var municipality: String?
        @Option(help: "Орган управления образованием.") var department: String?
        @Option(help: "Часовой пояс района.") var timeZone = "Europe/Moscow"
        @OptionGroup var data: DataOption

        func run() async throws {
            try await withRuntime(data) { rt in
                if let municipality {
                    try await rt.ensureMunicipality(region: region ?? "Регион", name: municipality,
                                                    department: department ?? "Управление образования", timeZone: timeZone)
                }
                let given = passwordFromStdin()
                let password = try await rt.addUser(login: login, role: role, school: school, name: name, password: given)
                say("Пользователь \(login.lowercased()) создан.")
                if given == nil { say("Пароль: \(password)") }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Задать пароль (со стандартного ввода или сгенерированный).")
        @Argument var login: String
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let given = passwordFromStdin()
                let password = try await rt.setPassword(login: login, password: given)
                say("Пароль пользователя \(login) изменён.")
                if given == nil { say("Пароль: \(password)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Список пользователей.")
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                say("логин\tроль\tшкола\tсостояние\tФИО")
                for line in try await rt.listUsers() { say(line) }
            }
        }
    }
}

struct SchoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "school", abstract: "Школы района.", subcommands: [Add.self, Import.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Добавить (или изменить) школу.")
        @Argument(help: "Логин ФИС ОКО, eduNNNNNN.") var login: String
        @Option(help: "Полное наименование.") var name: String
        @Option(help: "Краткое наименование.") var short: String?
        @Option(help: "Тип: СОШ, ООШ, НОШ, гимназия, лицей, школа-интернат, иное.") var type: String?
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let rows = [["Логин", "Полное наименование", "Краткое наименование", "Тип"], [login, name, short ?? "", type ?? ""]]
                let r = try await rt.addSchools(rows: rows, file: "командная строка", municipality: municipality)
                say(r.created > 0 ? "Школа \(login) добавлена." : "Школа \(login) обновлена.")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Импортировать список школ из XLSX или CSV (всё или ничего).")
        @Argument var file: String
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { fail("файл \(file) не найден или не читается.") }
            let name = (file as NSString).lastPathComponent
            try await withRuntime(data) { rt in
                let r = try await rt.addSchools(rows: MsokoTextFile.rows(data: bytes, file: name), file: name, municipality: municipality)
                say("Добавлено школ: \(r.created), обновлено: \(r.updated).")
            }
        }
    }
}

struct RoadmapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roadmap", abstract: "Дорожная карта.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Загрузить дорожную карту из DOCX, таблицы markdown или JSON.")
        @Argument var file: String
        @Option(help: "Учебный год, если его нет в файле (2025-2026).") var year: String?
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { fail("файл \(file) не найден или не читается.") }
            try await withRuntime(data) { rt in
                let doc = try await rt.loadRoadmap(data: bytes, fileName: (file as NSString).lastPathComponent, year: year, municipality: municipality)
                say("Дорожная карта \(doc.year) загружена: разделов \(doc.sections.count), мероприятий \(doc.measures.count).")
            }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Личные API-токены.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Создать токен; он печатается последней строкой и больше не показывается.")
        @Option var user: String
        @Option var label = "API"
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let token = try await rt.createToken(login: user, label: label)
                say("Токен для \(user) создан (хранится только его хеш):")
                say(token)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Отозвать токен (--token) или все токены пользователя (--user).")
        @Option var user: String?
        @Option var token: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let n = try await rt.revokeTokens(login: user, token: token)
                say("Отозвано токенов: \(n).")
            }
        }
    }
}

struct ProcedureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "procedure", abstract: "Оценочные процедуры.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Создать процедуру по спецификации; её id печатается последней строкой.")
        @Option(help: "Файл спецификации (JSON, см. docs/specification-format.md).") var spec: String
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: spec) else { fail("файл \(spec) не найден или не читается.") }
            try await withRuntime(data) { rt in
                let id = try await rt.addProcedure(specData: bytes, file: (spec as NSString).lastPathComponent, municipality: municipality)
                say("Процедура создана.")
                say(id.uuidString)
            }
        }
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Загрузка файлов.", subcommands: [Results.self])

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Загрузить результаты (XLSX или CSV): всё или ничего; ошибки — в stderr, по строке на ошибку.")
        @Argument var file: String
        @Option(help: "id процедуры.") var procedure: String
        @Option(help: "Чей это файл (логин школы): строки других школ — ошибка.") var school: String?
        @Flag(help: "Добавить школы из файла, которых нет в msoko.") var createSchools = false
        @OptionGroup var data: DataOption
        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { fail("файл \(file) не найден или не читается.") }
            guard let id = UUID(uuidString: procedure) else { fail("--procedure: «\(procedure)» не похоже на id процедуры.") }
            var failed = false
            try await withRuntime(data) { rt in
                let report = try await rt.importResults(data: bytes, file: (file as NSString).lastPathComponent, procedureID: id,
                                                        school: school, createSchools: createSchools)
                failed = !printReport(report, accepted: "Загружено работ: \(report.works); школы: \(report.schools.joined(separator: ", ")).",
                                      refused: "Файл не принят, ничего не сохранено.")
            }
            if failed { throw ExitCode(2) }
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Выгрузка данных.", subcommands: [Results.self])

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Выгрузить результаты процедуры в XLSX или CSV (по расширению --out).")
        @Option(help: "id процедуры.") var procedure: String
        @Option(help: "FILE.xlsx или FILE.csv") var out: String
        @OptionGroup var data: DataOption
        func run() async throws {
            guard let id = UUID(uuidString: procedure) else { fail("--procedure: «\(procedure)» не похоже на id процедуры.") }
            guard out.lowercased().hasSuffix(".xlsx") || out.lowercased().hasSuffix(".csv") else { fail("--out: ожидается файл .xlsx или .csv.") }
            try await withRuntime(data) { rt in
                let bytes = try await rt.exportResults(procedureID: id, fileName: out)
                guard FileManager.default.createFile(atPath: out, contents: bytes) else { throw ConfigError("не удалось записать \(out).") }
                say("Результаты выгружены в \(out).")
            }
        }
    }
}

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analyze",
                                                    abstract: "Анализ результатов без базы данных: район, школы, классы (JSON, XLSX или DOCX-справка).")
    @Option(help: "Файл спецификации (JSON).") var spec: String
    @Option(help: "json | xlsx | docx") var format: String = "json"
    @Option(help: "Куда записать; без него — в stdout.") var out: String?
    @Flag(help: "Добавить в JSON выполнение заданий по группам отметок и достижение планируемых результатов.") var details = false
    @Argument(help: "Файлы результатов (XLSX или CSV).") var results: [String]

    func run() async throws {
        guard let format = MsokoTextFile.AnalysisFormat(rawValue: format.lowercased()) else { fail("--format: ожидается json, xlsx или docx.") }
        guard !results.isEmpty else { fail("укажите хотя бы один файл результатов.") }
        guard let specData = FileManager.default.contents(atPath: spec) else { fail("файл \(spec) не найден или не читается.") }
        var files: [(name: String, data: Data)] = []
        for path in results {
            // Mapped, not copied: a country's file is read once, in place.
            guard let bytes = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { fail("файл \(path) не найден или не читается.") }
            files.append(((path as NSString).lastPathComponent, bytes))
        }
        // The output file is created only once the input has passed every check.
        var handle: FileHandle?
        let output = try MsokoTextFile.analyze(files: files, specData: specData, specFile: (spec as NSString).lastPathComponent, format: format, details: details) { chunk in
            if handle == nil {
                if let out {
                    guard FileManager.default.createFile(atPath: out, contents: nil), let h = FileHandle(forWritingAtPath: out) else { fail("не удалось записать \(out).") }
                    handle = h
                } else {
                    handle = FileHandle.standardOutput
                }
            }
            handle?.write(Data(chunk))
        }
        for w in output.warnings { FileHandle.standardError.write(Data("Предупреждение: \(w)\n".utf8)) }
        guard output.problems.isEmpty else {
            for p in output.problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
            FileHandle.standardError.write(Data("Анализ не выполнен: в файлах ошибки (\(output.problems.count)).\n".utf8))
            throw ExitCode(1)
        }
        if out != nil { try handle?.close() }
    }
}

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Проверка файлов без базы данных.", subcommands: [Results.self])

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Прочитать и проверить файл результатов по спецификации, ничего не сохраняя.")
        @Argument var file: String
        @Option(help: "Файл спецификации (JSON).") var spec: String
        @Option(help: "Чей это файл (логин школы).") var school: String?
        func run() async throws {
            guard let specData = FileManager.default.contents(atPath: spec) else { fail("файл \(spec) не найден или не читается.") }
            guard let bytes = FileManager.default.contents(atPath: file) else { fail("файл \(file) не найден или не читается.") }
            let report = try MsokoTextFile.checkResults(data: bytes, file: (file as NSString).lastPathComponent, specData: specData,
                                                        specFile: (spec as NSString).lastPathComponent, school: school)
            guard printReport(report, accepted: "Файл в порядке: работ \(report.works), школ \(report.schools.count).", refused: "Файл с ошибками.") else {
                throw ExitCode(2)
            }
        }
    }
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Данные для замеров скорости (docs/benchmarks.md).",
                                                    subcommands: [Generate.self, Objectivity.self])

    struct Objectivity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Качество обнаружения признаков необъективности на синтетических районах с подложенными манипуляциями.")
        @Option(help: "Школ в районе.") var schools = 150
        @Option(help: "Сколько районов (зёрен).") var seeds = 5
        func run() async throws {
            print(MsokoTextFile.objectivityBenchmark(schools: schools, seeds: seeds), terminator: "")
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Сгенерировать файл результатов (XLSX и CSV) и спецификацию для замеров.")
        @Option(help: "Число работ.") var rows = 200_000
        @Option(help: "Папка для файлов.") var out: String
        @Option var seed: UInt64 = 42
        @Option(help: "Только CSV национального масштаба (для замера анализа): число школ, по два класса в каждой.") var nationalSchools: Int?
        func run() async throws {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            if let nationalSchools {
                let size = try MsokoTextFile.writeNationalBenchmark(directory: out, works: rows, schools: nationalSchools, seed: seed)
                say("\(out)/national.csv: \(size) байт; \(out)/spec.json")
                return
            }
            let files = try MsokoTextFile.benchmarkFiles(rows: rows, seed: seed)
            for (name, data) in files {
                let path = (out as NSString).appendingPathComponent(name)
                guard FileManager.default.createFile(atPath: path, contents: data) else { fail("не удалось записать \(path).") }
                say("\(path): \(data.count) байт")
            }
        }
    }
}
