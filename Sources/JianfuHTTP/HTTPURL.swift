/// The little URL handling jianfu needs; libcurl does the parsing that matters.
package enum HTTPURL {
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

    /// A URL as jianfu shows it anywhere (errors, log lines, `summary.json`, the HTML report):
    /// its userinfo (`user:password@`) replaced by `***@`, so that a password typed into a URL
    /// never reaches cron mail or a report. The one function for that: every URL jianfu prints
    /// passes through it.
    ///
    /// It reads the text as parsers do (RFC 3986 §3.2; WHATWG URL for `\`) but also takes what
    /// parsers refuse, since the text shown is often a URL that was refused: leading spaces, no
    /// `//` (`http:user:pw@host/x`), a scheme-less `user:pw@host`. The authority starts after
    /// the scheme's `:` and any `/` or `\`, ends at the first `/`, `\`, `?` or `#`, and its
    /// userinfo is everything up to its last `@`.
    package static func display(_ url: String) -> String {
        let text = url.unicodeScalars
        var start = text.startIndex
        while start < text.endIndex, text[start].properties.isWhitespace { start = text.index(after: start) }
        // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
        var cursor = start
        while cursor < text.endIndex, isSchemeCharacter(text[cursor], first: cursor == start) { cursor = text.index(after: cursor) }
        var authority = start
        if cursor > start, cursor < text.endIndex, text[cursor] == ":" { authority = text.index(after: cursor) }
        while authority < text.endIndex, text[authority] == "/" || text[authority] == "\\" { authority = text.index(after: authority) }
        let end = text[authority...].firstIndex { "/\\?#".unicodeScalars.contains($0) } ?? text.endIndex
        guard let at = text[authority..<end].lastIndex(of: "@") else { return url }
        var shown = String.UnicodeScalarView()
        shown.append(contentsOf: text[..<authority])
        shown.append(contentsOf: "***".unicodeScalars)
        shown.append(contentsOf: text[at...])
        return String(shown)
    }

    private static func isSchemeCharacter(_ c: Unicode.Scalar, first: Bool) -> Bool {
        guard c.isASCII else { return false }
        if ("a"..."z").contains(c) || ("A"..."Z").contains(c) { return true }
        return !first && (("0"..."9").contains(c) || c == "+" || c == "-" || c == ".")
    }

    /// Scheme, authority and the rest (path, query, fragment).
    private static func split(_ url: String) -> (Substring, Substring, Substring)? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        return (url[..<schemeEnd.lowerBound], afterScheme[..<authorityEnd], afterScheme[authorityEnd...])
    }
}
