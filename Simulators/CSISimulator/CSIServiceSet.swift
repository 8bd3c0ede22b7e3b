/// Which CSI services a simulator's socket serves (Identity always; podmon's extension with the
/// family's, on both plugins as Dell's drivers do).
public struct CSIServiceSet: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// ControllerPublish/Unpublish: the controller plugin.
    public static let controller = CSIServiceSet(rawValue: 1 << 0)
    /// NodeStage/Publish/Unpublish/Unstage/GetInfo: a node plugin.
    public static let node = CSIServiceSet(rawValue: 1 << 1)
    public static let all: CSIServiceSet = [.controller, .node]
}
