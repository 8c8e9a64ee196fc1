import Domain
import Foundation
import Geography
import Hummingbird

/// Administrative units: reference data every staff role may read.
struct AreasController {
    let services: Services

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/areas") { request, context -> JSONResponse<AreaListDTO> in
            let principal = try context.requirePrincipal()
            try await services.gate.require(principal, .readAreas, entity: "area", trace: context.trace())
            let vintage = try await vintage(request)
            let q = request.uri.queryParameters
            let units: [AreaUnit]
            if let text = q.get("q"), !text.isEmpty {
                units = try await services.areas.search(text, vintage: vintage)
            } else {
                let parent = q.get("parent").flatMap { $0.isEmpty ? nil : $0 }
                if let parent, try await services.areas.unit(code: parent, vintage: vintage) == nil {
                    throw NotFound("no area \(parent) in vintage \(vintage)")
                }
                units = try await services.areas.children(of: parent, vintage: vintage)
            }
            return JSONResponse(AreaListDTO(vintage: vintage, items: units.map(AreaDTO.init)))
        }
        router.get("/api/v1/areas/{code}") { request, context -> JSONResponse<AreaDetailDTO> in
            let principal = try context.requirePrincipal()
            try await services.gate.require(principal, .readAreas, entity: "area", trace: context.trace())
            let vintage = try await vintage(request)
            let code = try context.parameters.require("code")
            guard AreaCode.isWellFormed(code), let unit = try await services.areas.unit(code: code, vintage: vintage) else {
                throw NotFound("no area \(code) in vintage \(vintage)")
            }
            let successors = vintage == "2021" && unit.level == .commune ? try await services.areas.successors2021To202507(code) : []
            return JSONResponse(AreaDetailDTO(
                unit: AreaDTO(unit),
                ancestors: try await services.areas.ancestors(of: code, vintage: vintage).map(AreaDTO.init),
                children: try await services.areas.children(of: code, vintage: vintage).map(AreaDTO.init),
                population: try await services.areas.population(of: code),
                successors: successors))
        }
    }

    private func vintage(_ request: Request) async throws -> String {
        let requested = request.uri.queryParameters.get("vintage").flatMap { $0.isEmpty ? nil : $0 } ?? services.config.vintage
        guard try await services.areas.vintages().contains(requested) else {
            throw ValidationFailure([FieldError("vintage", "unknown vintage '\(requested)'")])
        }
        return requested
    }
}
