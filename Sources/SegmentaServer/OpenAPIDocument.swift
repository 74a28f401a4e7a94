/// The OpenAPI 3.1 document served at `/openapi.json` (built in OpenAPIDocument+Routes.swift).
enum OpenAPIDocument {
    static let json = "{}"
}
