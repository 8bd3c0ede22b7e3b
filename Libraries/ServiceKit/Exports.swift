// ServiceKit's public API speaks `Logger` and `Service`; re-exporting their modules lets a service
// target that depends on ServiceKit alone use them. (Metrics is not re-exported: its `Timer` would
// clash with Foundation's in every file importing both.)
@_exported import Logging
@_exported import ServiceLifecycle
