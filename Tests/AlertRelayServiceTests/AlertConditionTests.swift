import AlertRelayCore
import Testing
