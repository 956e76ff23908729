import JianfuModel

/// What `saveScores` must change in a pipeline's stored composites (`unit_scores`) to make them
/// `scores`: the stored rows are read once and set against `scores`, and only the differences
/// are written — a night whose composites did not change writes none of its 30 000 rows (issue
/// 14). Unit ids and categories compare byte for byte (as the stores' keys do), composites bit
/// for bit; a unit id given twice is the last one given (as `INSERT OR REPLACE` would keep).
struct ScoreChanges {
    private let scores: [UnitScore]
    /// The position in `scores` of each unit id's last score.
    private var last: [UnitKey: Int] = [:]
    /// Whether the stored row of `scores[i]`'s unit is already `scores[i]`.
    private var same: [Bool]
    /// Stored unit ids `scores` does not hold (their rows are deleted).
    private(set) var gone: [String] = []
    /// Positions in `scores` whose unit has a stored row that differs (rewritten).
    private(set) var replaced: [Int] = []
    /// How many stored rows were set against `scores`.
    private(set) var stored = 0

    init(_ scores: [UnitScore]) {
        self.scores = scores
        same = [Bool](repeating: false, count: scores.count)
        last.reserveCapacity(scores.count)
        for (i, score) in scores.enumerated() { last[UnitKey(score.unitID)] = i }
    }

    /// Sets one stored row against the scores.
    mutating func compare(unitID: String, category: String, composite: Double?) {
        stored += 1
        guard let i = last[UnitKey(unitID)] else {
            gone.append(unitID)
            return
        }
        let score = scores[i]
        if score.category.utf8.elementsEqual(category.utf8) && score.composite?.bitPattern == composite?.bitPattern {
            same[i] = true
        } else {
            replaced.append(i)
        }
    }

    /// The positions in `scores` to write, new or changed, each unit id once, in the order given.
    var written: [Int] {
        scores.indices.filter { !same[$0] && last[UnitKey(scores[$0].unitID)] == $0 }
    }
}
