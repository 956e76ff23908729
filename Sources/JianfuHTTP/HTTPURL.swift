/// The little URL handling the client needs; libcurl does the parsing that matters.
enum HTTPURL {
    /// `scheme://host:port` in lower case, for comparing where a redirect goes; `nil` when the
    /// text is not an absolute URL.
    static func origin(_ url: String) -> String? {
        guard let (scheme, authority, _) = split(url) else { return nil }
        var host = authority
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        var text = host.lowercased()
        // An IPv6 host is in brackets; a port follows the last ':' outside them.
        let portStart = text.lastIndex(of: ":").map { text.index(after: $0) }
        let hasPort = portStart.map { !text[$0...].isEmpty && text[$0...].allSatisfy(\.isASCII) && text[$0...].allSatisfy(\.isNumber) } ?? false
        if !hasPort { text += scheme.lowercased() == "https" ? ":443" : ":80" }
        return "\(scheme.lowercased())://\(text)"
    }

    /// The URL as messages show it: without a `user:password@` part.
    static func display(_ url: String) -> String {
        guard let (scheme, authority, rest) = split(url), let at = authority.lastIndex(of: "@") else { return url }
        return "\(scheme)://\(authority[authority.index(after: at)...])\(rest)"
    }

    /// Scheme, authority and the rest (path, query, fragment).
    private static func split(_ url: String) -> (Substring, Substring, Substring)? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        return (url[..<schemeEnd.lowerBound], afterScheme[..<authorityEnd], afterScheme[authorityEnd...])
    }
}
