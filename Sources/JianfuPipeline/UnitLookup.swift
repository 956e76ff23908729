import JianfuModel

/// Which unit `jianfu unit ID-or-name` means (SPEC §7): an exact id, else an exact name, else a
/// unique prefix of an id or a name. Several matches at one step are ambiguous; none at all is
/// not found, with the units whose id or name contains the query as suggestions.
package enum UnitLookup {
    /// Candidates listed for an ambiguous or unknown query, at most.
    package static let maxCandidates = 20

    package enum Outcome: Equatable, Sendable {
        case found(Int)
        /// Every unit that matched (indices into the units), in unit order.
        case ambiguous([Int])
        /// Units whose id or name contains the query, in unit order (possibly none).
        case notFound(suggestions: [Int])
    }

    package static func find(_ query: String, in units: [MonitoredUnit]) -> Outcome {
        let query = query.trimmingSpaces
        guard !query.isEmpty else { return .notFound(suggestions: []) }
        if let exact = units.firstIndex(where: { $0.id.sameUnitID(as: query) }) { return .found(exact) }
        for match in [
            { (unit: MonitoredUnit) in unit.name == query },
            { (unit: MonitoredUnit) in unit.id.hasPrefix(query) || unit.name.hasPrefix(query) },
        ] {
            let matches = units.indices.filter { match(units[$0]) }
            if matches.count == 1 { return .found(matches[0]) }
            if matches.count > 1 { return .ambiguous(matches) }
        }
        return .notFound(suggestions: units.indices.filter { units[$0].id.contains(query) || units[$0].name.contains(query) })
    }
}

/// Why `jianfu unit` could not pick a unit: a bad argument (exit code 2).
package struct UnitLookupError: Error, CustomStringConvertible, Sendable {
    package let query: String
    package let pipeline: String
    package let outcome: UnitLookup.Outcome
    /// "ID NAME" of the candidates or suggestions, at most `UnitLookup.maxCandidates`.
    package let candidates: [String]

    init(query: String, pipeline: String, outcome: UnitLookup.Outcome, units: [MonitoredUnit]) {
        self.query = query
        self.pipeline = pipeline
        self.outcome = outcome
        let indices: [Int]
        switch outcome {
        case .found(let i): indices = [i]
        case .ambiguous(let all), .notFound(let all): indices = all
        }
        candidates = indices.prefix(UnitLookup.maxCandidates).map { units[$0].name.isEmpty ? units[$0].id : "\(units[$0].id) \(units[$0].name)" }
    }

    /// The first line: what was asked and what was found.
    package var headline: String {
        switch outcome {
        case .found:
            "unit '\(query)' found"
        case .ambiguous(let all):
            "'\(query)' matches \(all.count) units in pipeline \(pipeline); give the full id or more of the name:"
        case .notFound(let suggestions):
            "no unit of pipeline \(pipeline) has the id or name '\(query)', or an id or name starting with it"
                + (suggestions.isEmpty ? "" : "; units whose id or name contains it:")
        }
    }

    /// The units listed under the headline, one per line (`ID NAME`, then `… and N more`).
    package var listed: [String] {
        let all: Int
        switch outcome {
        case .found: return []
        case .ambiguous(let matches): all = matches.count
        case .notFound(let suggestions): all = suggestions.count
        }
        return candidates + (all > candidates.count ? ["… and \(all - candidates.count) more"] : [])
    }

    /// The headline and the listed units, each on a line of its own (indented).
    package var description: String {
        ([headline] + listed.map { "  " + $0 }).joined(separator: "\n")
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
