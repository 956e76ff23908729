import JianfuModel

/// Reads `grades:` (SPEC §2, §3 `grade`): a non-empty list of `{name, min}`, the first whose `min`
/// ≤ composite wins, so the mins must fall strictly down the list (a grade after one with the
/// same or a lower min could never be given). `Grade.defaults` when left out.
enum GradesSection {
    static let keys = ["name", "min"]

    static func read(_ node: ConfigNode?) throws -> [Grade] {
        guard let node else { return Grade.defaults }
        let items = try node.list("a list of {name, min}, highest min first")
        guard !items.isEmpty else { throw node.invalid("at least one grade {name, min}") }
        var grades: [Grade] = []
        for item in items {
            let settings = try item.mapping("a grade {name: NAME, min: SCORE}")
            try settings.allowOnly(keys)
            let name = try settings.required("name").text("a grade name")
            let minNode = try settings.required("min")
            let min = try minNode.number()
            if let previous = grades.last, min >= previous.min {
                throw minNode.invalid("a min below the previous grade's, highest first", found: "\(minNode.found) after \(previous.name)")
            }
            grades.append(Grade(name: name, min: min))
        }
        return grades
    }
}
