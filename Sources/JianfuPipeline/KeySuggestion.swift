/// The "did you mean" of an unknown key (SPEC §2: a wrong pipeline file gets an error that says
/// what is expected): the known key closest to a typo, by edit distance.
enum KeySuggestion {
    /// The candidate closest to `key`, or `nil` when none is close enough to be the intended
    /// one: at most 1 edit for keys of up to 3 characters, at most 2 for longer ones. Ties go to
    /// the earlier candidate.
    static func nearest(to key: String, in candidates: [String]) -> String? {
        let limit = key.count <= 3 ? 1 : 2
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let d = distance(key, candidate)
            if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.candidate
    }

    /// Optimal string alignment distance, ignoring case: insertions, deletions, substitutions
    /// and transpositions of neighbours each cost 1, so `metircs` is 1 edit from `metrics`.
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased()), t = Array(b.lowercased())
        if s.isEmpty || t.isEmpty { return max(s.count, t.count) }
        // d[i][j]: distance between the first i characters of s and the first j of t.
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }
}
