import CLibpq
import Foundation

/// A connection to a PostgreSQL server through libpq, PostgreSQL's own client library: it reads the
/// connection settings as every PostgreSQL tool does — a URL (`postgresql://user@host:port/db`) or
/// `key=value` pairs, completed from `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGSERVICE` (with
/// `~/.pg_service.conf`), `PGSSLMODE`, and the password from `~/.pgpass` or `PGPASSWORD` — which is how
/// WRDS documents access to its PostgreSQL service.
///
/// Results are streamed in libpq's single-row mode, so a query of millions of rows never sits in memory
/// whole. A password never appears in a message: the server is named `user@host:port/database`, and any
/// text of an error that contains the password is cut out.
final class PostgresConnection {
    private let connection: OpaquePointer
    /// `user@host:port/database`, for messages.
    let target: String
    /// The password given in the connection string, to cut out of any message (never shown).
    private let secret: String?

    /// Connects with `conninfo` (a URL or `key=value` pairs; empty for the environment's settings) and,
    /// when given, `password` in place of any the string or the environment has.
    init(conninfo: String, password: String? = nil) throws {
        let parsed = PostgresConnection.parse(conninfo)
        secret = (password ?? parsed["password"]).flatMap { $0.isEmpty ? nil : $0 }
        // `dbname` with expand_dbname = 1 is the whole connection string, expanded by libpq; a password
        // given beside it overrides.
        let keywords = ["dbname"] + (password == nil ? [] : ["password"])
        let values = [conninfo] + (password.map { [$0] } ?? [])
        let opened = withCStrings(keywords) { k in withCStrings(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let connection = opened else {
            throw DatabaseError("libpq could not allocate a connection")
        }
        self.connection = connection
        func value(_ read: (OpaquePointer?) -> UnsafeMutablePointer<CChar>?, _ key: String) -> String {
            read(connection).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? parsed[key] ?? "?"
        }
        target = "\(value(PQuser, "user"))@\(value(PQhost, "host")):\(value(PQport, "port"))/\(value(PQdb, "dbname"))"
        guard PQstatus(connection) == CONNECTION_OK else {
            // The object is whole here, so deinit frees the connection when the error leaves init.
            let raw = String(cString: PQerrorMessage(connection))
            throw DatabaseError(PostgresConnection.describeConnectionFailure(raw, target: target, secret: secret),
                                hint: PostgresConnection.hint(for: raw))
        }
        _ = try? execute("SET DateStyle = ISO")
        _ = try? execute("SET extra_float_digits = 1")   // shortest exact digits, as a CSV extract writes them
    }

    deinit { PQfinish(connection) }

    /// The connection string's settings by keyword (libpq's own parser; URLs included), empty when it does
    /// not parse (libpq then reports why when connecting).
    static func parse(_ conninfo: String) -> [String: String] {
        guard let settings = try? settings(conninfo) else { return [:] }
        return Dictionary(settings.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// The settings `conninfo` gives, in libpq's keyword order; throws libpq's reason when it does not parse.
    static func settings(_ conninfo: String) throws -> [(key: String, value: String)] {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            let reason = error.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "libpq cannot parse it"
            if let error { PQfreemem(error) }
            throw DatabaseError("the connection string does not parse: \(reason)",
                                hint: "a URL (\"postgresql://user@host:5432/db\"), key=value pairs (\"host=… dbname=…\"), \"service=NAME\", or `environment`")
        }
        defer { PQconninfoFree(options) }
        var settings: [(key: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { settings.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return settings
    }

    /// A value as a `key=value` connection string writes it: bare when it is a plain word, else in single
    /// quotes with `\` and `'` escaped.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { !CharacterSet.whitespacesAndNewlines.contains($0) && !"'\\=".unicodeScalars.contains($0) }
        return plain ? value : "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// A refused connection, bad credentials, a missing database or anything else libpq reports, in plain
    /// words naming the server, with libpq's own first line (the password cut out).
    static func describeConnectionFailure(_ raw: String, target: String, secret: String?) -> String {
        let detail = scrub(raw.split(separator: "\n").first.map(String.init) ?? raw, secret: secret)
            .replacingOccurrences(of: "FATAL:  ", with: "")
        let lower = raw.lowercased()
        let what: String
        if lower.contains("connection refused") || lower.contains("no such file or directory") {
            what = "the server refused the connection (is PostgreSQL running there?)"
        } else if lower.contains("password authentication failed") || lower.contains("no password supplied")
                    || lower.contains("authentication failed") {
            what = "the server did not accept the credentials"
        } else if lower.contains("database") && lower.contains("does not exist") {
            what = "the database does not exist on the server"
        } else if lower.contains("could not translate host name") {
            what = "the server's host name is unknown"
        } else {
            what = "cannot connect"
        }
        return "\(target): \(what): \(detail.trimmingCharacters(in: .whitespaces))"
    }

    static func hint(for raw: String) -> String? {
        let lower = raw.lowercased()
        if lower.contains("password") || lower.contains("authentication") {
            return "put the password in ~/.pgpass (host:port:database:user:password, mode 0600) or PGPASSWORD, never in the program"
        }
        if lower.contains("refused") { return "check the host and port (PGHOST, PGPORT, or the URL), and that the server runs" }
        return nil
    }

    /// `text` with every occurrence of the password replaced by `***`.
    static func scrub(_ text: String, secret: String?) -> String {
        guard let secret, !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: "***")
    }

    /// Runs a statement whose result is not needed.
    func execute(_ sql: String) throws {
        guard let result = PQexec(connection, sql) else { throw lastError(sql: sql) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw error(of: result, sql: sql) }
    }

    /// The first column of the first row of a query, `nil` when NULL or no row.
    func scalar(_ sql: String) throws -> String? {
        guard let result = PQexec(connection, sql) else { throw lastError(sql: sql) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw error(of: result, sql: sql) }
        guard PQntuples(result) > 0, PQgetisnull(result, 0, 0) == 0 else { return nil }
        return String(cString: PQgetvalue(result, 0, 0))
    }

    /// Streams the rows of a query, one at a time (libpq's single-row mode): `body` gets each row's
    /// fields as C strings (`nil` for NULL), valid only during the call.
    func stream(_ sql: String, _ body: (Fields) throws -> Void) throws {
        guard PQsendQuery(connection, sql) == 1 else { throw lastError(sql: sql) }
        guard PQsetSingleRowMode(connection) == 1 else { throw lastError(sql: sql) }
        var failure: Error?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            guard failure == nil else { continue }   // drain the remaining results after an error
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                do { try body(Fields(result: result)) } catch { failure = error }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                break
            default:
                failure = error(of: result, sql: sql)
            }
        }
        if let failure { throw failure }
    }

    /// Loads rows with `COPY table (columns) FROM STDIN` (text format).
    func copy(into table: String, columns: [String], rows: ((String) throws -> Void) throws -> Void) throws {
        let sql = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
        guard let start = PQexec(connection, sql) else { throw lastError(sql: sql) }
        let status = PQresultStatus(start)
        let startError = status == PGRES_COPY_IN ? nil : error(of: start, sql: sql)
        PQclear(start)
        if let startError { throw startError }
        var buffer: [UInt8] = []
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withUnsafeBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { PQputCopyData(connection, $0, Int32(b.count)) }
            }
            guard sent == 1 else { throw lastError(sql: sql) }
            buffer.removeAll(keepingCapacity: true)
        }
        do {
            try rows { line in
                buffer.append(contentsOf: line.utf8)
                if buffer.count >= 1 << 20 { try flush() }
            }
            try flush()
        } catch {
            _ = PQputCopyEnd(connection, "the load was stopped")
            while let result = PQgetResult(connection) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(connection, nil) == 1 else { throw lastError(sql: sql) }
        var failure: Error?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil { failure = error(of: result, sql: sql) }
            PQclear(result)
        }
        if let failure { throw failure }
    }

    /// The fields of one streamed row.
    struct Fields {
        let result: OpaquePointer

        var count: Int { Int(PQnfields(result)) }

        /// Field `k` as a C string, `nil` for NULL.
        func text(_ k: Int) -> UnsafePointer<CChar>? {
            PQgetisnull(result, 0, Int32(k)) != 0 ? nil : UnsafePointer(PQgetvalue(result, 0, Int32(k)))
        }

        func string(_ k: Int) -> String? { text(k).map { String(cString: $0) } }
    }

    private func lastError(sql: String) -> DatabaseError {
        DatabaseError("\(target): " + PostgresConnection.scrub(String(cString: PQerrorMessage(connection)), secret: secret)
            .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The error of a failed result: a missing table by name, anything else as the server says it.
    private func error(of result: OpaquePointer, sql: String) -> DatabaseError {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let message = PostgresConnection.scrub(String(cString: PQresultErrorMessage(result)), secret: secret)
            .replacingOccurrences(of: "ERROR:  ", with: "").split(separator: "\n").first.map(String.init) ?? ""
        switch state {
        case "42P01": return DatabaseError("\(target): \(message) (a table the query reads is not in this database)",
                                           hint: "WRDS's legacy CRSP tables are crsp.msf, crsp.msenames, crsp.msedelist (daily crsp.dsf); the CIZ ones crsp.msf_v2, crsp.stksecurityinfohist, crsp.stkdelists; choose with `tables: legacy` or `tables: ciz`")
        case "42501": return DatabaseError("\(target): \(message) (no permission)", hint: "ask the database's owner (WRDS: your subscription) for access to the crsp schema")
        default: return DatabaseError("\(target): \(message)")
        }
    }
}

/// Calls `body` with `strings` as a NULL-terminated array of C strings (valid only during the call).
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A database problem, in plain words naming the server (never its password).
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { message }
}
