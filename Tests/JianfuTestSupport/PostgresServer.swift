import Foundation

/// A private PostgreSQL 15 cluster for the tests of the PostgreSQL state store (issue 14):
/// `initdb` into a temporary folder, `pg_ctl start` on a free loopback port, run as the
/// `postgres` user when the tests run as root (the server refuses root). One cluster for the
/// whole test process (`shared`), stopped when the process exits. A role with a password
/// (`user`, `password`) owns the databases the tests create (`createDatabase`); the
/// superuser `postgres` is reached over the cluster's unix socket only (`psql`).
///
/// Nothing is mocked, and nothing is skipped: when the server's programs are missing, `shared`
/// throws and the test fails, saying to run `bash scripts/setup.sh`.
public final class PostgresServer: @unchecked Sendable {
    /// Debian's `postgresql-15` programs.
    public static let binaries = "/usr/lib/postgresql/15/bin"

    public let folder: String
    public let port: Int
    public let user = "jianfu_test"
    /// A fresh password, for PGPASSWORD, ~/.pgpass or `password_env` in the tests.
    public let password: String
    private let lock = NSLock()
    private var databases = 0

    /// The cluster of this test process, started on first use.
    public static func shared() throws -> PostgresServer { try started.get() }

    nonisolated(unsafe) private static var running: PostgresServer?
    private static let started: Result<PostgresServer, Error> = Result {
        let server = try PostgresServer()
        running = server
        atexit { PostgresServer.running?.stop() }
        return server
    }

    private init() throws {
        let fm = FileManager.default
        for program in ["initdb", "pg_ctl", "postgres", "psql"] where !fm.isExecutableFile(atPath: "\(Self.binaries)/\(program)") {
            throw Failure("\(Self.binaries)/\(program) is missing: the PostgreSQL store's tests need PostgreSQL 15 (bash scripts/setup.sh installs postgresql)")
        }
        folder = "/tmp/jianfu-pg-\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        password = "pw-\(UUID().uuidString)"
        port = try Self.freePort()
        if getuid() == 0 {
            try Self.check(runProcess(URL(fileURLWithPath: "/bin/chown"), ["postgres:postgres", folder]), "chown")
        }
        try check(runAsServer("initdb", ["-D", "\(folder)/data", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync",
                                         "--auth-local=trust", "--auth-host=scram-sha-256"]), "initdb")
        let options = "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        // The server outlives pg_ctl: started through Python's subprocess, which closes every
        // other descriptor, so it does not inherit the one by which Foundation's `Process`
        // learns that a child ended (this test's or a concurrent test's), which would then
        // never seem to end.
        try check(runAsServer("pg_ctl", ["-D", "\(folder)/data", "-l", "\(folder)/server.log", "-w", "-t", "60", "-o", options, "start"],
                              closingDescriptors: true), "pg_ctl start")
        try psql("CREATE ROLE \(user) LOGIN PASSWORD '\(password)'")
    }

    /// A new, empty database owned by `user` (UTF-8); returns its name.
    public func createDatabase() throws -> String {
        let name = lock.withLock {
            databases += 1
            return "jianfu_\(databases)"
        }
        try psql("CREATE DATABASE \(name) OWNER \(user) ENCODING 'UTF8' TEMPLATE template0")
        return name
    }

    /// `postgresql://USER@127.0.0.1:PORT/DATABASE` (no password), plus `query` (`?schema=…`).
    public func url(_ database: String, query: String = "") -> String {
        "postgresql://\(user)@127.0.0.1:\(port)/\(database)\(query)"
    }

    /// Runs SQL as the superuser over the unix socket; returns psql's unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try runProcess(
            URL(fileURLWithPath: "\(Self.binaries)/psql"),
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", folder, "-p", String(port), "-U", "postgres", "-d", database, "-c", sql])
        try Self.check(result, "psql")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the cluster at once and removes its folder (at exit: with `system`, not Foundation).
    public func stop() {
        let runAs = getuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : ""
        _ = system("\(runAs)\(Self.binaries)/pg_ctl -D '\(folder)/data' -m immediate -w stop >/dev/null 2>&1; rm -rf '\(folder)'")
    }

    /// A server program run as `postgres` (with `runuser` when this process is root).
    private func runAsServer(_ program: String, _ arguments: [String], closingDescriptors: Bool = false) throws -> RunResult {
        var command = ["\(Self.binaries)/\(program)"] + arguments
        if getuid() == 0 { command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command }
        if closingDescriptors {
            command = ["/usr/bin/python3", "-c", "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"] + command
        }
        return try runProcess(URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
    }

    private func check(_ result: RunResult, _ what: String) throws {
        do {
            try Self.check(result, what)
        } catch {
            let log = (try? String(contentsOfFile: "\(folder)/server.log", encoding: .utf8)) ?? ""
            throw Failure("\(error)\n--- server log\n\(log)")
        }
    }

    private static func check(_ result: RunResult, _ what: String) throws {
        guard result.status == 0 else { throw Failure("\(what) failed: \(result)") }
    }

    /// A loopback port nothing listens on now (the kernel's choice for port 0).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw Failure("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw Failure("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
