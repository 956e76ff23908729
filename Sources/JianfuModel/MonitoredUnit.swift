/// A monitored unit (监测点) from the units source (SPEC §1 "Units").
public struct MonitoredUnit: Sendable, Equatable {
    public let id: String
    public var name: String
    /// Drives 分类指导: targets, caps and weights per category. Empty when not declared.
    public var category: String
    public var parentID: String?
    /// 减负责任人: the person answerable for this unit's reduction.
    public var responsible: String

    public init(id: String, name: String = "", category: String = "", parentID: String? = nil, responsible: String = "") {
        self.id = id
        self.name = name
        self.category = category
        self.parentID = parentID
        self.responsible = responsible
    }
}
