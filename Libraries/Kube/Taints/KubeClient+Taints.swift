import Foundation
import Logging

extension KubeClient {
    /// Adds a taint to a node unless a taint with its key and effect is there. Read-modify-update
    /// with the node's resourceVersion, retried on conflict: a concurrent writer's taint is never
    /// overwritten (a patch that sends the whole `spec.taints` list, as podmon's does, replaces the
    /// list and can drop a taint added in between). Returns whether the node changed.
    @discardableResult
    public func addTaint(_ taint: Taint, toNode name: String) async throws -> Bool {
        var changed = false
        try await update(Node.self, name: name) { node in
            changed = false
            guard let taints = TaintEdit.adding(taint, to: node.taints) else { return }
            if node.spec == nil { node.spec = NodeSpec() }
            node.spec?.taints = taints
            changed = true
        }
        return changed
    }

    /// Removes the taint of this key and effect from a node, if present. Returns whether the node changed.
    @discardableResult
    public func removeTaint(key: String, effect: String, fromNode name: String) async throws -> Bool {
        var changed = false
        try await update(Node.self, name: name) { node in
            changed = false
            guard let taints = TaintEdit.removing(key: key, effect: effect, from: node.taints) else { return }
            node.spec?.taints = taints.isEmpty ? nil : taints
            changed = true
        }
        return changed
    }
}
