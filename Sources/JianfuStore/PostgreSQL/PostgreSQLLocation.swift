import Foundation

/// Where a PostgreSQL state store is (SPEC §8 `state: postgresql://USER@HOST:PORT/DATABASE`):
/// the server, the database, the schema jianfu's tables live in (`?schema=`, default
/// `jianfu`), `?sslmode=`, and the environment variable that holds the password when it is not
/// `PGPASSWORD` (`password_env`). It never holds a password: one written in the URL is refused
/// (`parse`), and libpq reads `PGPASSWORD` or `~/.pgpass` itself.
package struct PostgreSQLLocation: Sendable, Equatable, CustomStringConvertible {
    package var user: String?
    package var host: String
    package var port: Int?
    package var database: String
    package var schema: String
    /// libpq's `sslmode` (`disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`);
    /// `nil` leaves libpq's default (`PGSSLMODE`, else `prefer`).
    package var sslMode: String?
    /// The environment variable holding the password (`password_env`); `nil`: libpq's
    /// `PGPASSWORD`, else the password file.
    package var passwordVariable: String?

    package static let defaultSchema = "jianfu"
    package static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    package init(user: String?, host: String, port: Int?, database: String, schema: String = defaultSchema, sslMode: String? = nil, passwordVariable: String? = nil) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.schema = schema
        self.sslMode = sslMode
        self.passwordVariable = passwordVariable
    }

    /// Whether `text` is meant as a PostgreSQL URL (`postgresql://` or `postgres://`).
    package static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Why a URL cannot be used, in words for `state:`'s error.
    package enum Problem: Error, Equatable {
        /// The URL holds a password (never repeated in any message).
        case password
        case malformed(String)
    }

    /// Reads `postgresql://[USER@]HOST[:PORT]/DATABASE[?sslmode=…&schema=…]`. A password in the
    /// URL (`USER:PASSWORD@`) is refused, and the problem never repeats it.
    package static func parse(_ text: String) -> Result<PostgreSQLLocation, Problem> {
        guard isURL(text) else { return .failure(.malformed("it does not start with postgresql://")) }
        let rest = text.drop(while: { $0 != ":" }).dropFirst(3)
        // A password anywhere is refused before anything else is looked at, so that no other
        // problem's message can show it.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@"), rest[..<at].contains(":") { return .failure(.password) }
        if let query = rest.firstIndex(of: "?"),
           rest[rest.index(after: query)...].split(separator: "&").contains(where: { $0.hasPrefix("password=") || $0 == "password" }) {
            return .failure(.password)
        }
        // The authority ends at the first '/'; the user part at its last '@'.
        guard let slash = rest.firstIndex(of: "/") else {
            return .failure(.malformed("it names no database: write postgresql://USER@HOST:PORT/DATABASE"))
        }
        let authority = rest[..<slash]
        var hostPort = authority[...]
        var user: String?
        if let at = authority.lastIndex(of: "@") {
            let userPart = authority[..<at]
            if userPart.contains(":") { return .failure(.password) }
            guard let decoded = String(userPart).removingPercentEncoding, !decoded.isEmpty else {
                return .failure(.malformed("its user name is empty or badly %-encoded"))
            }
            user = decoded
            hostPort = authority[authority.index(after: at)...]
        }
        var host = String(hostPort)
        var port: Int?
        if hostPort.hasPrefix("[") {  // an IPv6 literal: [::1]:5432
            guard let close = hostPort.firstIndex(of: "]") else { return .failure(.malformed("its IPv6 host has no closing ]")) }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    return .failure(.malformed("its port is not a number from 1 to 65535"))
                }
                port = p
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(.malformed("its port is not a number from 1 to 65535"))
            }
            port = p
        }
        guard !host.isEmpty else { return .failure(.malformed("it names no host: write postgresql://USER@HOST:PORT/DATABASE")) }
        let pathAndQuery = rest[rest.index(after: slash)...]
        let path = pathAndQuery.prefix(while: { $0 != "?" })
        guard let database = String(path).removingPercentEncoding, !database.isEmpty, !database.contains("/") else {
            return .failure(.malformed("it names no database: write postgresql://USER@HOST:PORT/DATABASE"))
        }
        var location = PostgreSQLLocation(user: user, host: host, port: port, database: database)
        let query = pathAndQuery.dropFirst(path.count)
        if !query.isEmpty {
            for pair in query.dropFirst().split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? "") : ""
                switch key {
                case "sslmode":
                    guard sslModes.contains(value) else {
                        return .failure(.malformed("sslmode=\(value) is not one of \(sslModes.joined(separator: ", "))"))
                    }
                    location.sslMode = value
                case "schema":
                    guard isSchemaName(value) else {
                        return .failure(.malformed("schema=\(value) is not a schema name (lowercase letters, digits and _, starting with a letter or _, at most 63)"))
                    }
                    location.schema = value
                case "password":
                    return .failure(.password)
                default:
                    return .failure(.malformed("the parameter \(key) is not one jianfu reads (sslmode, schema)"))
                }
            }
        }
        return .success(location)
    }

    /// A schema name jianfu accepts: `[a-z_][a-z0-9_]*`, at most 63 bytes (PostgreSQL's limit),
    /// so that it never needs quoting in a person's `psql` session.
    package static func isSchemaName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, first == 0x5F || (0x61...0x7A).contains(first) else { return false }
        return name.utf8.allSatisfy { $0 == 0x5F || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// The URL, without password (there is none), as logs and `summary.json` name the store.
    package var description: String {
        var text = "postgresql://"
        if let user { text += (user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user) + "@" }
        text += host.contains(":") ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        text += "/" + (database.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? database)
        var query: [String] = []
        if let sslMode { query.append("sslmode=\(sslMode)") }
        if schema != Self.defaultSchema { query.append("schema=\(schema)") }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    /// libpq's connection keywords. The password is passed only when `password_env` names a
    /// variable (which must then be set); otherwise libpq reads `PGPASSWORD` or the password
    /// file itself. `environment` is the process's environment.
    func connectionParameters(environment: [String: String]) throws -> [(String, String)] {
        var parameters: [(String, String)] = [("host", host), ("dbname", database)]
        if environment["PGCONNECT_TIMEOUT"] == nil { parameters.append(("connect_timeout", "10")) }
        if let port { parameters.append(("port", String(port))) }
        if let user { parameters.append(("user", user)) }
        if let sslMode { parameters.append(("sslmode", sslMode)) }
        if let passwordVariable {
            guard let password = environment[passwordVariable], !password.isEmpty else {
                throw StoreError.unusable(
                    path: description,
                    reason: "the environment variable \(passwordVariable), which `password_env` names for the password, is not set")
            }
            parameters.append(("password", password))
        }
        return parameters
    }
}
