import ArgumentParser
import Foundation
import MsokoServer

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Данные для замеров скорости (docs/benchmarks.md).",
                                                    subcommands: [Generate.self, Objectivity.self, Region.self])

    struct Objectivity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "objectivity", abstract: "Качество обнаружения признаков необъективности на синтетических районах с подложенными манипуляциями.")
        @Option(help: "Школ в районе.") var schools = 160
        @Option(help: "Сколько районов (зёрен) каждого семейства.") var seeds = 4
        @Flag(help: "Только настроечное семейство (A), на котором выбраны пороги и веса.") var tuning = false
        @Flag(help: "Разброс честных групп оценивать только по честным школам (истина известна): сколько стоит подгонка по району с манипуляциями.") var oracle = false
        @Option(help: "Записать z каждого признака каждой оцениваемой группы в CSV (для scripts/bench/objectivity_combinations.py).") var dump: String?
        func run() async throws {
            var file: OutputFile.Stream?
            if let dump {
                guard let f = OutputFile.Stream(dump) else { fail("--dump: " + OutputFile.Stream.cannotOpen(dump)) }
                file = f
            }
            let table = MsokoTextFile.objectivityBenchmark(schools: schools, seeds: seeds, tuning: tuning, oracle: oracle,
                                                           dump: file.map { f in { lines in f.write(Data(lines.utf8)) } })
            if let problem = file?.finish() { fail("--dump: " + problem) }
            print(table, terminator: "")
        }
    }

    struct Region: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "region", abstract: "Район размером с регион в пустую базу (демо-район, школы, процедуры, работы) для замера страниц.")
        @Option(help: "Школ всего (вместе с демонстрационными).") var schools = 300
        @Option(help: "Процедур сверх демонстрационных.") var procedures = 12
        @Option(help: "Работ во всех этих процедурах.") var works = 400_000
        @Option var seed: UInt64 = 42
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let r = try await rt.loadRegionBenchmark(schools: schools, procedures: procedures, works: works, seed: seed) { say($0) }
                let total = r.imports.reduce(0, +)
                say("Загружено (\(rt.describeDatabase)): школ \(r.schools), процедур \(r.procedures), работ \(r.works); загрузка файлов \(String(format: "%.1f", total)) с. Пароль демо-учётных записей: demo.")
            }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate", abstract: "Сгенерировать файл результатов (XLSX и CSV) и спецификацию для замеров.")
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
                if let problem = OutputFile.write(data, to: path) { fail(problem) }
                say("\(path): \(data.count) байт")
            }
        }
    }
}
