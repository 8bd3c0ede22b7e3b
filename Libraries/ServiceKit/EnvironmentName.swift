/// Derives environment variable names from dotted lowerCamel keys.
///
/// `bus.tls.caFile` → `PODGUARD_BUS_TLS_CA_FILE`: dots and lowerCamel humps become underscores, so
/// the names look like every other environment variable a Kubernetes manifest sets.
public enum EnvironmentName {
    public static let prefix = "PODGUARD_"

    /// The environment variable for `key`.
    public static func forKey(_ key: String) -> String {
        prefix + upperSnake(key)
    }

    /// `tap.exitAfterMessages` → `TAP_EXIT_AFTER_MESSAGES`; an acronym stays one word
    /// (`http.baseURLPath` → `HTTP_BASE_URL_PATH`).
    static func upperSnake(_ key: String) -> String {
        let characters = Array(key)
        var result = ""
        for (index, character) in characters.enumerated() {
            if character == "." || character == "-" {
                result.append("_")
                continue
            }
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let startsWord =
                    previous.isLowercase || previous.isNumber
                    || (previous.isUppercase && (next?.isLowercase ?? false))
                if startsWord { result.append("_") }
            }
            result.append(contentsOf: character.uppercased())
        }
        return result
    }
}
