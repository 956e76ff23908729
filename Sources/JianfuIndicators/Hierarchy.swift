import JianfuModel

/// The unit tree for roll-ups (SPEC §4), from `parent_id` or, where the pipeline asks for it,
/// from 12-digit administrative-division codes (行政区划代码, SPEC §1 "Units").
package struct Hierarchy: Sendable {
    /// Parent index of each unit, `nil` for roots.
    package let parent: [Int?]
    package let children: [[Int]]
    /// Every unit, each after all of its descendants.
    package let postOrder: [Int]
    /// Units whose `parent_id` names no known unit; they are treated as roots.
    package let orphans: [(unit: Int, parentID: String)]

    /// Thrown when a unit is its own ancestor.
    package struct CycleError: Error, CustomStringConvertible, Sendable {
        package let unitIDs: [String]
        package var description: String {
            "the units' parent_id form a cycle: \(unitIDs.joined(separator: " → ")) (a unit cannot be its own ancestor)"
        }
    }

    package init(units: [MonitoredUnit], deriveFromCodes: Bool = false) throws {
        var indexByID: [UnitKey: Int] = [:]
        for (i, unit) in units.enumerated() { indexByID[UnitKey(unit.id)] = i }
        var parent = [Int?](repeating: nil, count: units.count)
        var orphans: [(Int, String)] = []
        for (i, unit) in units.enumerated() {
            if let parentID = unit.parentID {
                if let p = indexByID[UnitKey(parentID)] { parent[i] = p } else { orphans.append((i, parentID)) }
            } else if deriveFromCodes {
                parent[i] = Self.derivedParent(of: unit.id).lazy.compactMap { indexByID[UnitKey($0)] }.first { $0 != i }
            }
        }
        // Cycle check: walk up from each unit, colouring the path.
        var state = [UInt8](repeating: 0, count: units.count)  // 0 new, 1 on path, 2 done
        for start in units.indices where state[start] == 0 {
            var path: [Int] = []
            var node: Int? = start
            while let n = node, state[n] != 2 {
                if state[n] == 1 {
                    let cycle = path[path.firstIndex(of: n)!...] + [n]
                    throw CycleError(unitIDs: cycle.map { units[$0].id })
                }
                state[n] = 1
                path.append(n)
                node = parent[n]
            }
            for n in path { state[n] = 2 }
        }
        var children = [[Int]](repeating: [], count: units.count)
        for (i, p) in parent.enumerated() { if let p { children[p].append(i) } }
        var order: [Int] = []
        order.reserveCapacity(units.count)
        var stack: [(Int, Bool)] = units.indices.reversed().filter { parent[$0] == nil }.map { ($0, false) }
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
            } else {
                stack.append((node, true))
                for child in children[node].reversed() { stack.append((child, false)) }
            }
        }
        self.parent = parent
        self.children = children
        self.postOrder = order
        self.orphans = orphans
    }

    package func hasDescendants(_ unit: Int) -> Bool { !children[unit].isEmpty }

    /// Candidate parent ids of an administrative-division code, nearest first: the code cut to
    /// the next shorter level (2, 4, 6, 9, 12 digits), as written short (`330106001`) or padded
    /// with zeros to the code's length or to 12 digits (`330106001000`).
    package static func derivedParent(of id: String) -> [String] {
        let digits = Array(id.utf8)
        let levels = [2, 4, 6, 9, 12]
        guard levels.contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return [] }
        // The code's own level: the shortest prefix after which only zeros follow.
        guard let own = levels.first(where: { $0 <= digits.count && digits[$0...].allSatisfy { $0 == 0x30 } }) else { return [] }
        var candidates: [String] = []
        for level in levels.reversed() where level < own {
            let prefix = Array(digits[0..<level])
            for length in [level, digits.count, 12] {
                let candidate = String(decoding: prefix + Array(repeating: 0x30, count: length - level), as: UTF8.self)
                if !candidates.contains(candidate) { candidates.append(candidate) }
            }
        }
        return candidates
    }
}
