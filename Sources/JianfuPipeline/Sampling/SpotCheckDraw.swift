import JianfuModel
import JianfuReports

/// One unit `jianfu sample` may draw, with what the draw needs to know of it.
package struct SpotCheckCandidate: Sendable, Equatable {
    package let unitID: String
    /// Its category (分类指导); an empty category is a category of its own.
    package let category: String
    /// Its 上级 group: the id of its parent in the unit tree (a village's township, a county
    /// department's county); `nil` for a unit without a parent, which is in no group.
    package let parentID: String?
    /// `SpotCheckWeight.weight`, at least 1.
    package let weight: Double

    package init(unitID: String, category: String, parentID: String?, weight: Double) {
        self.unitID = unitID
        self.category = category
        self.parentID = parentID
        self.weight = weight
    }
}

/// Why a unit is on the spot-check list.
package enum SpotCheckReason: Sendable, Equatable {
    /// Drawn among the units of the categories no earlier pick belongs to: its category is
    /// covered by it.
    case category(String)
    /// Drawn among the units of the 上级 groups no earlier pick belongs to.
    case parent(String)
    /// Drawn among every unit left, once every category and group is covered.
    case weighted

    /// The `reason` column of the CSV: `category:village`, `parent:330199001000`, `weighted`.
    package var code: String {
        switch self {
        case .category(let category): "category:\(category)"
        case .parent(let id): "parent:\(id)"
        case .weighted: "weighted"
        }
    }
}

/// The draw of `jianfu sample` (SPEC §7): stratified, weighted, without replacement, and the
/// same on every machine for the same candidates and seed.
///
/// 1. The candidates are put in order of their ids, compared byte by byte in UTF-8 (not by
///    the order they arrived in, nor by a locale).
/// 2. One generator, `Xoshiro256StarStar(seed:)`, gives every random number, one per pick.
/// 3. Each pick is made from a pool: while some category has no pick yet, the units of those
///    categories; then, while some 上级 group has no pick yet, the units of those groups; then
///    every unit left. So a list of at least as many units as there are categories holds one
///    of each, and a longer one one of each group too, as far as the count allows.
/// 4. Within the pool (in id order), with weights w₁…wₖ summing to W and u the generator's next
///    `nextUnit()`, the pick is the first unit whose running sum of weights exceeds u × W —
///    each unit of the pool with probability wᵢ / W. The pick leaves the candidates (without
///    replacement) and covers its category and group.
///
/// Only additions and one multiplication per pick, in a fixed order: IEEE 754 gives every
/// machine the same result, with no `log` or `pow` whose last bit may differ between libraries.
package enum SpotCheckDraw {
    /// A pick: the index of the candidate (in the array given) and why it was drawn.
    package struct Pick: Sendable, Equatable {
        package let candidate: Int
        package let reason: SpotCheckReason
    }

    /// Up to `count` picks, in the order drawn (all candidates when there are fewer).
    package static func draw(_ candidates: [SpotCheckCandidate], count: Int, seed: UInt64) -> [Pick] {
        var remaining = candidates.indices.sorted { a, b in
            let (x, y) = (candidates[a].unitID.utf8, candidates[b].unitID.utf8)
            return x.lexicographicallyPrecedes(y) || (x.elementsEqual(y) && a < b)
        }
        let categories = Set(candidates.map(\.category))
        let parents = Set(candidates.compactMap { $0.parentID.map(UnitKey.init) })
        var coveredCategories: Set<String> = []
        var coveredParents: Set<UnitKey> = []
        var generator = Xoshiro256StarStar(seed: seed)
        var picks: [Pick] = []
        while picks.count < count, !remaining.isEmpty {
            let pool: [Int]  // positions in `remaining`
            let stratum: (Int) -> SpotCheckReason
            if coveredCategories.count < categories.count {
                pool = remaining.indices.filter { !coveredCategories.contains(candidates[remaining[$0]].category) }
                stratum = { .category(candidates[$0].category) }
            } else if coveredParents.count < parents.count {
                pool = remaining.indices.filter { candidates[remaining[$0]].parentID.map { !coveredParents.contains(UnitKey($0)) } ?? false }
                stratum = { .parent(candidates[$0].parentID!) }
            } else {
                pool = Array(remaining.indices)
                stratum = { _ in .weighted }
            }
            let position = choose(pool, weight: { candidates[remaining[$0]].weight }, u: generator.nextUnit())
            let chosen = remaining.remove(at: position)
            picks.append(Pick(candidate: chosen, reason: stratum(chosen)))
            coveredCategories.insert(candidates[chosen].category)
            if let parent = candidates[chosen].parentID { coveredParents.insert(UnitKey(parent)) }
        }
        return picks
    }

    /// The element of `pool` (not empty) where the running sum of weights first exceeds
    /// `u` × the total: element i with probability wᵢ / W.
    static func choose(_ pool: [Int], weight: (Int) -> Double, u: Double) -> Int {
        var total = 0.0
        for element in pool { total += weight(element) }
        let target = u * total
        var sum = 0.0
        for element in pool {
            sum += weight(element)
            if target < sum { return element }
        }
        return pool[pool.count - 1]  // u × W rounded up to W itself
    }
}

extension SpotCheckReason {
    /// A stored `code` in words, for the written bulletin: `覆盖类别 村`, `覆盖上级单位`,
    /// `按权重抽取`; an unknown code as it is.
    package static func words(code: String) -> String {
        if code == "weighted" { return "按权重抽取" }
        if code.hasPrefix("category:") { return "覆盖类别 " + ReportLabels.category(String(code.dropFirst("category:".count))) }
        if code.hasPrefix("parent:") { return "覆盖上级单位" }
        return code
    }
}
