extension Podguard_V1_ConditionStatus {
    /// A Kubernetes condition's `status` text: "True", "False"; anything else, or no condition at
    /// all, is Unknown (the contract's zero value).
    public init(kubernetes status: String?) {
        switch status {
        case "True": self = .true
        case "False": self = .false
        default: self = .unknown
        }
    }
}
