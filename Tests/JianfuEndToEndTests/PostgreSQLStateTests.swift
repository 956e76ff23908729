import Foundation
import Glibc
import JianfuTestSupport
import Testing

/// `state: postgresql://…` through the built binary, on the tests' real PostgreSQL 15 cluster
/// (`PostgresServer`, one per test process; each test its own database): the demo gives the
/// tables of an SQLite store byte for byte, two runs of one pipeline exclude each other (exit 4
/// naming the holder) while another pipeline runs, kill -9 or a dropped connection during a
/// write leaves the previous night, and the password comes from PGPASSWORD, ~/.pgpass or
/// `password_env` and appears nowhere (issue 14, SPEC §7, §8).
@Suite struct PostgreSQLStateTests {
    static let tables = ["indicators.csv", "scores.csv", "series.csv", "alerts.csv", "rejected.csv"]

    /// The demo pipeline in a fresh folder, its reports in `out`, with `state` when given.
    static func demo(state: String?, name: String? = nil, in dir: TempDir, file: String = "demo.yml", out: String = "out") throws -> URL {
        var yaml = try String(contentsOf: Jianfu.packageRoot.appendingPathComponent("pipelines/demo.yml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "../fixtures/demo/", with: Jianfu.demoFixtures.path + "/")
        yaml = yaml.replacingOccurrences(of: "dir: ../reports/demo", with: "dir: \(dir.file(out).path)")
        if let name { yaml = yaml.replacingOccurrences(of: "name: 示例县基层减负监测", with: "name: \(name)") }
        if let state { yaml += "\nstate: \(state)\n" }
        return try dir.write(file, yaml)
    }

    /// `jianfu ARGUMENTS` with `environment` added (PGPASSWORD, HOME, …).
    static func run(_ arguments: [String], _ environment: [String: String] = [:]) throws -> RunResult {
        try runProcess(Jianfu.executable, arguments, environment: environment)
    }

    /// The outcomes of `jianfu history`'s lines, newest first.
    static func outcomes(_ history: String) -> [String] {
        let known = ["running", "ok", "failed", "data_quality", "interrupted", "committed", "committed_reports_failed"]
        return history.split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: " ").map(String.init).first { known.contains($0) }
        }
    }

    /// A server, a fresh database on it, and its URL.
    static func database() throws -> (PostgresServer, String, String) {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        return (server, database, server.url(database))
    }

    @Test func theDemoOnPostgreSQLGivesTheTablesOfTheSQLiteStoreAndASecondNightReadsNothing() throws {
        let (server, database, url) = try Self.database()
        let dir = try TempDir()
        defer { dir.remove() }
        let env = ["PGPASSWORD": server.password]
        let sqlite = try Self.demo(state: nil, in: dir, file: "sqlite.yml", out: "sqlite")
        let pg = try Self.demo(state: url, in: dir, file: "pg.yml", out: "pg")
        try #require(try Self.run(["run", sqlite.path]).status == 0)
        let first = try Self.run(["run", pg.path], env)
        try #require(first.status == 0, "\(first)")
        #expect(first.stderr.contains("run 1 (") && first.stderr.contains("with the state store \(url)"), "\(first)")
        for table in Self.tables {
            #expect(try bytes(dir.file("pg/\(table)")) == bytes(dir.file("sqlite/\(table)")), "\(table)")
        }
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.file("pg/summary.json"))) as? [String: Any])
        #expect((summary["run"] as? [String: Any])?["state"] as? String == url)

        // The same night again: nothing is read, the tables are the same bytes.
        let before = try Self.tables.map { try bytes(dir.file("pg/\($0)")) }
        let second = try Self.run(["run", pg.path], env)
        try #require(second.status == 0, "\(second)")
        #expect(second.stderr.contains("source counts: unchanged since run 1"), "\(second)")
        #expect(second.stderr.contains("source extra: unchanged since run 1") && second.stderr.contains("source units: unchanged since run 1"))
        #expect(try Self.tables.map { try bytes(dir.file("pg/\($0)")) } == before)

        // history, unit and sample read the same store.
        let history = try Self.run(["history", "-p", pg.path], env)
        #expect(history.status == 0, "\(history)")
        #expect(Self.outcomes(history.stdout) == ["ok", "ok"], "\(history)")
        let unit = try Self.run(["unit", "330199003000", "-p", pg.path], env)
        let unitFromSQLite = try Self.run(["unit", "330199003000", "-p", sqlite.path])
        #expect(unit.status == 0 && unit.stdout == unitFromSQLite.stdout, "\(unit)")
        let sample = try Self.run(["sample", "-p", pg.path, "-n", "3", "--seed", "7"], env)
        #expect(sample.status == 0 && sample.stdout.contains("run 2"), "\(sample)")
        #expect(try server.psql("SELECT count(*) FROM jianfu.samples WHERE pipeline = '示例县基层减负监测'", database: database) == "1")
    }

    @Test func theSamePipelineTwiceAtOnceExitsFourNamingTheHolderWhileAnotherPipelineRuns() throws {
        let (server, _, url) = try Self.database()
        let dir = try TempDir()
        defer { dir.remove() }
        let env = ["PGPASSWORD": server.password]
        let pipeline = try Self.demo(state: url, in: dir)
        // The first run takes the lock, logs its run, and is stopped (SIGSTOP) while it holds it.
        let first = try BackgroundRun(["run", pipeline.path], env)
        try #require(first.waitFor("with the state store"), "\(first.stderr)")
        kill(first.pid, SIGSTOP)
        let second = try Self.run(["run", pipeline.path], env)
        kill(first.pid, SIGCONT)
        #expect(second.status == 4, "\(second)")
        #expect(second.stderr.contains("another run holds the lock: pid \(first.pid) since "), "\(second)")
        #expect(second.stderr.contains("(held on host "), "\(second)")
        #expect(second.stderr.contains("this run did nothing"))
        // Meanwhile another pipeline on the same server runs.
        kill(first.pid, SIGSTOP)
        let other = try Self.demo(state: url, name: "另一个县", in: dir, file: "other.yml", out: "other")
        let neighbour = try Self.run(["run", other.path], env)
        kill(first.pid, SIGCONT)
        #expect(neighbour.status == 0, "\(neighbour)")
        let done = first.wait()
        #expect(done.status == 0, "\(done.stderr)")
        for table in Self.tables {
            #expect(try bytes(dir.file("out/\(table)")) == bytes(dir.file("other/\(table)")), "\(table)")
        }
    }

    /// A long file of 1,000 units × 36 months (2018-01..2020-12) × 4 metrics, 144,000 rows,
    /// values made up from the unit and month as `KillTests.counts` makes them; `bump` adds to
    /// every value of the last month (a re-sent month).
    static func counts(bump: Int = 0) -> Data {
        var text = "unit_id,period,metric,value\n"
        for p in 0..<36 {
            let period = "\(2018 + p / 12)-\(p % 12 < 9 ? "0" : "")\(p % 12 + 1)"
            for u in 0..<1000 {
                let unit = "U\(100_000 + u)"
                let base = (u * 7 + p * 3) % 50 + 1 + (p == 35 ? bump : 0)
                text += "\(unit),\(period),documents,\(base)\n\(unit),\(period),meetings,\(base / 2)\n"
                text += "\(unit),\(period),inspections,\(base % 7)\n\(unit),\(period),survey,\(60 + base % 40)\n"
            }
        }
        return Data(text.utf8)
    }

    @Test func killNineOrADroppedConnectionDuringAWriteLeavesThePreviousNight() throws {
        let (server, database, url) = try Self.database()
        let dir = try TempDir()
        defer { dir.remove() }
        let env = ["PGPASSWORD": server.password]
        try dir.write("counts.csv", Self.counts())
        let pipeline = try dir.write("k.yml", KillTests.pipeline(state: url))
        let first = try Self.run(["run", pipeline.path], env)
        try #require(first.status == 0, "\(first)")
        let before = try snapshot(dir.file("out"))
        let stored = "SELECT count(*), sum(value), (SELECT count(*) FROM jianfu.observation_history) FROM jianfu.observation_values"
        let storedBefore = try server.psql(stored, database: database)
        #expect(storedBefore == "144000|\(Self.storedSum)|0")

        // The next night re-sends the last month, every base value one higher: documents,
        // inspections (base % 7) and survey (60 + base % 40) change for all 1,000 units,
        // meetings (base / 2) for the 500 whose new base is even — 3,500 corrections.
        try dir.write("counts.csv", Self.counts(bump: 1))
        let copying = "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND state = 'active' AND query LIKE 'COPY %'"
        let sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND application_name = 'jianfu'"
        // kill -9 while the run's COPY streams its values.
        let killed = try BackgroundRun(["run", pipeline.path], env)
        try #require(killed.waitUntil { (try? server.psql(copying, database: database)) != "0" }, "no COPY seen: \(killed.stderr)")
        kill(killed.pid, SIGKILL)
        #expect(killed.wait().signalled)
        // The server ends the dead client's session (and with it the lock) as soon as it notices.
        #expect(BackgroundRun.poll { (try? server.psql(sessions, database: database)) == "0" })
        #expect(try snapshot(dir.file("out")) == before)
        #expect(try server.psql(stored, database: database) == storedBefore, "the store is as the last night left it")

        // The server drops the connection while the COPY streams: exit 1, in words. The run
        // cannot log its end; the next run finds it running and logs it interrupted.
        let dropped = try BackgroundRun(["run", pipeline.path], env)
        try #require(dropped.waitUntil { (try? server.psql(copying, database: database)) != "0" }, "no COPY seen: \(dropped.stderr)")
        try server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND application_name = 'jianfu'")
        let end = dropped.wait()
        #expect(end.status == 1 && !end.signalled, "\(end.stderr)")
        #expect(end.stderr.contains("connection to the PostgreSQL server was lost"), "\(end.stderr)")
        #expect(!end.stderr.contains("Fatal error") && !end.stderr.contains("Stack dump"))
        #expect(try snapshot(dir.file("out")) == before)
        #expect(try server.psql(stored, database: database) == storedBefore)

        // The next run completes with the numbers of a clean read of the new file.
        let next = try Self.run(["run", pipeline.path], env)
        try #require(next.status == 0, "\(next)")
        #expect(next.stderr.contains("3500 corrections"), "\(next)")
        let fresh = try dir.write("fresh.yml", KillTests.pipeline(state: "none").replacingOccurrences(of: "dir: out,", with: "dir: fresh,"))
        try #require(try Jianfu.run(["run", fresh.path]).status == 0)
        for table in Self.tables {
            #expect(try bytes(dir.file("out/\(table)")) == bytes(dir.file("fresh/\(table)")), "\(table)")
        }
        let history = try Self.run(["history", "-p", pipeline.path], env)
        #expect(Self.outcomes(history.stdout) == ["ok", "interrupted", "interrupted", "ok"], "\(history)")
    }

    /// The sum of every value of `counts()`: per unit u and month p, base b = (7u + 3p) mod 50 + 1
    /// gives b + ⌊b/2⌋ + (b mod 7) + 60 + (b mod 40). Over u = 0…999 (20 whole cycles of 50,
    /// as 7 is prime to 50) b takes each of 1…50 twenty times for every p, so each month adds
    /// 20 × Σ_{b=1…50} (b + ⌊b/2⌋ + b mod 7 + 60 + b mod 40): Σb = 1275, Σ⌊b/2⌋ = 625,
    /// Σ b mod 7 = 7 × 21 + (1) = 148 (seven full cycles 1…49 give 7 × 21, b = 50 gives 1),
    /// Σ 60 = 3000, Σ b mod 40 = (1 + … + 39) + 0 + (1 + … + 10) = 780 + 55 = 835: 5883 per
    /// cycle, 117,660 per month, 4,235,760 over 36 months.
    static let storedSum = 4_235_760

    @Test func thePasswordComesFromPGPASSWORDPgpassOrPasswordEnvAndAppearsNowhere() throws {
        let (server, _, url) = try Self.database()
        let dir = try TempDir()
        defer { dir.remove() }
        // ~/.pgpass in a HOME of its own (libpq wants it private: mode 0600).
        let home = try TempDir()
        defer { home.remove() }
        let pgpass = try home.write(".pgpass", "127.0.0.1:\(server.port):*:\(server.user):\(server.password)\n")
        chmod(pgpass.path, 0o600)
        let withPGPASSWORD = try Self.demo(state: url, name: "a", in: dir, file: "a.yml", out: "a")
        let withPgpass = try Self.demo(state: url, name: "b", in: dir, file: "b.yml", out: "b")
        let withVariable = try Self.demo(state: "{url: \"\(url)\", password_env: JIANFU_PG_PASSWORD}", name: "c", in: dir, file: "c.yml", out: "c")
        let noPassword = ["PGPASSWORD": "", "HOME": dir.path]
        var results = [
            try Self.run(["run", withPGPASSWORD.path], ["PGPASSWORD": server.password, "HOME": dir.path]),
            try Self.run(["run", withPgpass.path], ["PGPASSWORD": "", "HOME": home.path]),
            try Self.run(["run", withVariable.path], noPassword.merging(["JIANFU_PG_PASSWORD": server.password]) { $1 }),
        ]
        for result in results { #expect(result.status == 0, "\(result)") }
        // Without any: exit 1, saying where the password comes from.
        let none = try Self.run(["run", withPgpass.path], noPassword)
        #expect(none.status == 1, "\(none)")
        #expect(none.stderr.contains("no password supplied") && none.stderr.contains("PGPASSWORD or ~/.pgpass, never from the pipeline file"), "\(none)")
        let unset = try Self.run(["run", withVariable.path], noPassword)
        #expect(unset.status == 1 && unset.stderr.contains("JIANFU_PG_PASSWORD, which `password_env` names for the password, is not set"), "\(unset)")
        results += [none, unset]
        results += [try Self.run(["history", "-p", withVariable.path], noPassword.merging(["JIANFU_PG_PASSWORD": server.password]) { $1 })]
        // Nowhere: no output, log or file the runs wrote.
        for result in results {
            #expect(!result.stdout.contains(server.password) && !result.stderr.contains(server.password))
        }
        let files = try dir.allFiles()
        #expect(files.count > 30)
        for (name, content) in files {
            #expect(content.range(of: Data(server.password.utf8)) == nil, "\(name)")
        }
    }

    @Test func aPasswordInThePipelineFileIsRefusedWithoutRepeatingIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for state in ["postgresql://ops:Hunter2secret@db.example:5432/county", "\"postgresql://db.example/county?password=Hunter2secret\"",
                      "{url: \"postgresql://ops:Hunter2secret@db.example/county\"}"] {
            let pipeline = try Self.demo(state: state, in: dir)
            let result = try Self.run(["run", pipeline.path])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("demo.yml") && result.stderr.contains("state"), "\(result)")
            #expect(result.stderr.contains("PGPASSWORD or ~/.pgpass"), "\(result)")
            #expect(!result.stderr.contains("Hunter2secret") && !result.stdout.contains("Hunter2secret"), "\(result)")
        }
    }

    @Test func aServerThatIsNotRunningIsExitOneInWords() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try PostgresServer.freePort()
        let pipeline = try Self.demo(state: "postgresql://ops@127.0.0.1:\(port)/county", in: dir)
        for command in [["run", pipeline.path], ["history", "-p", pipeline.path]] {
            let result = try Self.run(command, ["PGPASSWORD": "x"])
            #expect(result.status == 1 && result.exited, "\(result)")
            #expect(result.stderr.contains("the state store postgresql://ops@127.0.0.1:\(port)/county cannot be used: cannot connect to the PostgreSQL server"), "\(result)")
            #expect(result.stderr.contains("Connection refused"), "\(result)")
            #expect(result.stderrLines.count <= 2 && !result.stderr.contains("Fatal error"), "\(result)")
        }
        #expect(!dir.exists("out"))
    }
}

/// `jianfu ARGUMENTS` in the background, its stderr collected as it comes (so the child never
/// blocks on a full pipe), for tests that act while it runs.
final class BackgroundRun: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var collected = Data()
    var pid: Int32 { process.processIdentifier }

    init(_ arguments: [String], _ environment: [String: String]) throws {
        process.executableURL = Jianfu.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.collected.append(data) }
        }
        try process.run()
    }

    var stderr: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

    /// Waits until stderr holds `text`; false when the process ended first.
    func waitFor(_ text: String) -> Bool {
        waitUntil { self.stderr.contains(text) }
    }

    /// Polls `condition` until it holds (true), at most `attempts` times 10 ms apart (false).
    static func poll(attempts: Int = 3000, _ condition: () -> Bool) -> Bool {
        for _ in 0..<attempts {
            if condition() { return true }
            usleep(10_000)
        }
        return false
    }

    /// Polls `condition` until it holds (true) or the process ends (false).
    func waitUntil(_ condition: () -> Bool) -> Bool {
        while process.isRunning {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    /// Waits for the end; its exit status, whether a signal ended it, and its stderr.
    func wait() -> (status: Int32, signalled: Bool, stderr: String) {
        process.waitUntilExit()
        (process.standardError as? Pipe)?.fileHandleForReading.readabilityHandler = nil
        if let rest = try? (process.standardError as? Pipe)?.fileHandleForReading.readToEnd() { lock.withLock { collected.append(rest) } }
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, stderr)
    }
}
