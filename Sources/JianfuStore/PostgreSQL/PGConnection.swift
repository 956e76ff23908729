import CPostgres
import Foundation

/// One libpq connection (<https://www.postgresql.org/docs/15/libpq.html>), blocking, used from
/// one thread at a time: statements with parameters (`execute`), and `COPY … FROM STDIN` in
/// text (`copyIn`) or binary (`copyInBinary`). Errors are `PGError`; `PostgreSQLStore` turns them into `StoreError`.
///
/// libpq finds the password as every PostgreSQL client does — `PGPASSWORD`, then the password
/// file (`~/.pgpass`, or `PGPASSFILE`) — unless one is given (`password_env`); it never sits in
/// `location`, in a log or in an error.
final class PGConnection {
    private let connection: OpaquePointer
    /// The store as errors name it (the URL, which holds no password).
    let location: String

    /// Connects with libpq keyword/value pairs (`host`, `port`, `dbname`, `user`, `sslmode`,
    /// `password`, …); throws `PGError` with libpq's message when the server cannot be reached
    /// or refuses the connection.
    init(parameters: [(String, String)], location: String) throws {
        self.location = location
        let all = parameters + [("application_name", "jianfu"), ("client_encoding", "UTF8")]
        let keywords = all.map { strdup($0.0) }
        let values = all.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        var k: [UnsafePointer<CChar>?] = keywords.map { UnsafePointer($0) } + [nil]
        var v: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        guard let connection = PQconnectdbParams(&k, &v, 0) else {
            throw PGError(message: "libpq could not allocate a connection", sqlState: nil, connectionLost: false)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(connection))
            PQfinish(connection)
            throw PGError(message: message, sqlState: nil, connectionLost: true)
        }
        self.connection = connection
        // The server's notices (NOTICE, WARNING) are not the user's business: libpq would print
        // them on stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// The server's process id for this session (what `pg_locks.pid` shows).
    var backendPID: Int32 { PQbackendPID(connection) }

    /// Whether a transaction is open on the connection (or failed and not yet rolled back).
    var inTransaction: Bool {
        let status = PQtransactionStatus(connection)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Runs one statement with `$1`, `$2`, … bound to `parameters` (text format; `nil` is NULL).
    /// `binary` asks for the result columns in binary (`PGResult.int32(…)` etc. read them).
    @discardableResult
    func execute(_ sql: String, _ parameters: [PGText?] = [], binary: Bool = false) throws -> PGResult {
        let texts = parameters.map { $0?.pgText }
        let copies = texts.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let result = pointers.withUnsafeBufferPointer { values in
            PQexecParams(connection, sql, Int32(values.count), nil, values.baseAddress, nil, nil, binary ? 1 : 0)
        }
        return try check(result)
    }

    /// Runs several statements separated by semicolons, without parameters (a migration).
    func executeScript(_ sql: String) throws {
        _ = try check(PQexec(connection, sql))
    }

    /// `COPY … FROM STDIN` (text format): `body` writes the rows into the `PGCopyWriter`, which
    /// sends them to the server a megabyte at a time. Returns the rows copied.
    @discardableResult
    func copyIn(_ sql: String, _ body: (inout PGCopyWriter) throws -> Void) throws -> Int {
        try copy(sql, PGCopyWriter(connection: self), body)
    }

    /// `COPY … FROM STDIN (FORMAT binary)`: `body` writes the rows into the
    /// `PGBinaryCopyWriter`. Returns the rows copied.
    @discardableResult
    func copyInBinary(_ sql: String, _ body: (inout PGBinaryCopyWriter) throws -> Void) throws -> Int {
        try copy(sql, PGBinaryCopyWriter(connection: self), body)
    }

    private func copy<Writer: PGCopyStream>(_ sql: String, _ writer: Writer, _ body: (inout Writer) throws -> Void) throws -> Int {
        let start = PQexec(connection, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else { _ = try check(start); throw error(nil) }
        PQclear(start)
        var writer = writer
        do {
            try body(&writer)
            try writer.finish()
        } catch {
            // End the COPY with an error so that the connection can go on (the transaction fails).
            _ = PQputCopyEnd(connection, "jianfu stopped the copy")
            while let result = PQgetResult(connection) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(connection, nil) == 1 else { throw error(nil) }
        var copied = 0
        var failure: PGError?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(Self.text(PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = error(result)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return copied
    }

    /// Sends `count` bytes of COPY data.
    fileprivate func put(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        let sent = PQputCopyData(connection, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        guard sent == 1 else { throw error(nil) }
    }

    /// The result when it is a success, else its error (the result freed).
    private func check(_ result: OpaquePointer?) throws -> PGResult {
        guard let result else { throw error(nil) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK: return PGResult(result)
        default:
            let failure = error(result)
            PQclear(result)
            throw failure
        }
    }

    /// The error of `result` (or of the connection): libpq's message, the SQLSTATE, and whether
    /// the connection is gone.
    private func error(_ result: OpaquePointer?) -> PGError {
        var message = result.map { Self.text(PQresultErrorMessage($0)) } ?? ""
        if message.isEmpty { message = Self.text(PQerrorMessage(connection)) }
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        return PGError(message: message, sqlState: state, connectionLost: PQstatus(connection) != CONNECTION_OK)
    }

    /// A libpq message on one line: its lines joined, trailing space dropped.
    static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A quoted SQL identifier (`"name"`, inner quotes doubled).
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// What went wrong on the server or on the way to it.
struct PGError: Error, CustomStringConvertible {
    /// libpq's or the server's message, on one line.
    let message: String
    /// The SQLSTATE code, when the server answered (`40001`, `23505`, …).
    let sqlState: String?
    /// The connection is gone (the server stopped, the network dropped it, or it never opened).
    let connectionLost: Bool

    var description: String { message }
}

/// A value bound to a statement parameter, in PostgreSQL's text format.
protocol PGText {
    var pgText: String { get }
}

extension String: PGText { var pgText: String { self } }
extension Int: PGText { var pgText: String { String(self) } }
extension Int32: PGText { var pgText: String { String(self) } }
extension Int64: PGText { var pgText: String { String(self) } }
extension UInt64: PGText { var pgText: String { String(self) } }
extension Bool: PGText { var pgText: String { self ? "t" : "f" } }
extension Double: PGText {
    /// The shortest text that reads back as the same double (Swift's `description`), which
    /// PostgreSQL's `float8` input parses exactly.
    var pgText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return description
    }
}

/// The rows of a statement. Columns are read by position; text results (the default) through
/// `string`, `int`, `double`, `bool`, binary ones (`execute(binary: true)`) through the
/// `binary…` readers.
final class PGResult {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) { self.result = result }
    deinit { PQclear(result) }

    var count: Int { Int(PQntuples(result)) }
    /// Rows a command changed (`INSERT`, `UPDATE`, `DELETE`, `COPY`).
    var changed: Int { Int(PGConnection.text(PQcmdTuples(result))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }

    func string(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    func int(_ row: Int, _ column: Int) -> Int? { string(row, column).flatMap { Int($0) } }
    func int64(_ row: Int, _ column: Int) -> Int64? { string(row, column).flatMap { Int64($0) } }
    func double(_ row: Int, _ column: Int) -> Double? { string(row, column).flatMap { Double($0) } }
    func bool(_ row: Int, _ column: Int) -> Bool? { string(row, column).map { $0 == "t" } }

    /// An `integer` column of a binary result (4 bytes, big-endian).
    @inline(__always) func binaryInt32(_ row: Int, _ column: Int) -> Int32 {
        var raw: UInt32 = 0
        memcpy(&raw, PQgetvalue(result, Int32(row), Int32(column)), 4)
        return Int32(bitPattern: UInt32(bigEndian: raw))
    }

    /// A `bigint` column of a binary result (8 bytes, big-endian).
    @inline(__always) func binaryInt64(_ row: Int, _ column: Int) -> Int64 {
        var raw: UInt64 = 0
        memcpy(&raw, PQgetvalue(result, Int32(row), Int32(column)), 8)
        return Int64(bitPattern: UInt64(bigEndian: raw))
    }

    /// A `bytea` column of a binary result: its bytes, in place (valid while the result is).
    @inline(__always) func bytes(_ row: Int, _ column: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(
            start: PQgetvalue(result, Int32(row), Int32(column)), count: Int(PQgetlength(result, Int32(row), Int32(column))))
    }

    /// A `double precision` column of a binary result (IEEE 754, big-endian).
    @inline(__always) func binaryDouble(_ row: Int, _ column: Int) -> Double {
        var raw: UInt64 = 0
        memcpy(&raw, PQgetvalue(result, Int32(row), Int32(column)), 8)
        return Double(bitPattern: UInt64(bigEndian: raw))
    }
}

/// What `PGConnection.copy` streams rows through.
protocol PGCopyStream {
    /// Sends what is left (and the format's trailer).
    mutating func finish() throws
}

/// The rows of a `COPY … FROM STDIN` in PostgreSQL's text format
/// (<https://www.postgresql.org/docs/15/sql-copy.html>): fields separated by tabs, rows ended by
/// a newline, `\N` for NULL, backslash escapes in text. Buffered, sent a megabyte at a time.
struct PGCopyWriter: PGCopyStream {
    private let connection: PGConnection
    private var buffer: [UInt8] = []
    private var first = true
    static let chunk = 1 << 20

    fileprivate init(connection: PGConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    /// Appends a field of a number or flag (no escaping needed).
    mutating func field(_ value: some PGText) {
        separate()
        buffer.append(contentsOf: value.pgText.utf8)
    }

    @inline(__always) mutating func field(_ value: Int32) {
        separate()
        appendDecimal(Int64(value))
    }

    @inline(__always) mutating func field(_ value: Int64) {
        separate()
        appendDecimal(value)
    }

    /// Appends a text field, escaped; `nil` is NULL.
    mutating func text(_ value: String?) {
        separate()
        guard let value else {
            buffer.append(contentsOf: [0x5C, 0x4E])  // \N
            return
        }
        for byte in value.utf8 {
            switch byte {
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
            case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
            default: buffer.append(byte)
            }
        }
    }

    /// Ends the row; sends the buffer when it holds a megabyte.
    mutating func endRow() throws {
        buffer.append(0x0A)
        first = true
        if buffer.count >= Self.chunk { try flush() }
    }

    mutating func flush() throws {
        try buffer.withUnsafeBytes { try connection.put($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func finish() throws { try flush() }

    @inline(__always) private mutating func separate() {
        if first { first = false } else { buffer.append(0x09) }
    }

    @inline(__always) private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { buffer.append(0x2D) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                n += 1
            } while magnitude > 0
            for i in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }
}

/// The rows of a `COPY … FROM STDIN (FORMAT binary)`
/// (<https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4>): a signature and
/// header, then per row a field count and each field's length and big-endian bytes (a
/// `bytea`'s bytes as they are), then -1. Buffered, sent a megabyte at a time.
struct PGBinaryCopyWriter: PGCopyStream {
    private let connection: PGConnection
    private var buffer: [UInt8] = []

    fileprivate init(connection: PGConnection) {
        self.connection = connection
        buffer.reserveCapacity(PGCopyWriter.chunk + 4096)
        buffer.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])  // the signature
        buffer.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])  // flags, header extension length
    }

    /// Starts a row of `fields` fields.
    mutating func row(fields: Int16) {
        append(UInt16(bitPattern: fields))
    }

    /// An `integer` field.
    mutating func int32(_ value: Int32) {
        append(UInt32(4))
        append(UInt32(bitPattern: value))
    }

    /// A `bigint` field.
    mutating func int64(_ value: Int64) {
        append(UInt32(8))
        append(UInt64(bitPattern: value))
    }

    /// A `text` field: its UTF-8 bytes (the binary format of `text`).
    mutating func text(_ value: String) {
        bytea(Array(value.utf8)[...])
    }

    /// A `bytea` field of the bytes of `array` (Int32, Double, … in this machine's order —
    /// little-endian on every machine jianfu runs on, as slabs are packed).
    mutating func bytea<T>(_ array: ArraySlice<T>) {
        array.withUnsafeBytes { bytes in
            append(UInt32(bytes.count))
            buffer.append(contentsOf: bytes)
        }
    }

    /// A `bytea` field of `count` copies of the 4 bytes of `value`.
    mutating func bytea(repeating value: Int32, count: Int) {
        bytea([Int32](repeating: value, count: count)[...])
    }

    /// Ends the row; sends the buffer when it holds a megabyte.
    mutating func endRow() throws {
        if buffer.count >= PGCopyWriter.chunk { try flush() }
    }

    mutating func finish() throws {
        append(UInt16(0xFFFF))
        try flush()
    }

    private mutating func flush() throws {
        try buffer.withUnsafeBytes { try connection.put($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    @inline(__always) private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }
}
