/// How a source's bytes are laid out (SPEC §1 "Observations").
package enum Layout: String, Sendable {
    /// One row per observation: `unit_id,period,metric,value`.
    case long
    /// One row per (unit, period), one column per metric.
    case wide
}

/// The character encoding of a source (SPEC §1): `auto` detects UTF-8 or GB18030.
package enum SourceEncoding: String, Sendable {
    case auto
    case utf8 = "utf-8"
    case gb18030
}

/// What a source holds: observations, or the units list.
package enum SourceKind: String, Sendable {
    case observations
    case units
}
