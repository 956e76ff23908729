/// A monitored unit (监测点) from the units source (SPEC §1 "Units").
package struct MonitoredUnit: Sendable, Equatable {
    package let id: String
    package var name: String
    /// Drives 分类指导: targets, caps and weights per category. Empty when not declared.
    package var category: String
    package var parentID: String?
    /// 减负责任人: the person answerable for this unit's reduction.
    package var responsible: String

    package init(id: String, name: String = "", category: String = "", parentID: String? = nil, responsible: String = "") {
        self.id = id
        self.name = name
        self.category = category
        self.parentID = parentID
        self.responsible = responsible
    }
}
