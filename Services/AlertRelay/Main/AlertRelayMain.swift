import AlertRelayService

@main
enum AlertRelayMain {
    static func main() async {}
}
