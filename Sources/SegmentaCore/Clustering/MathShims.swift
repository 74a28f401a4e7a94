import Foundation

@inline(__always) func Foundation_log1p(_ x: Double) -> Double { Foundation.log1p(x) }
@inline(__always) func Foundation_expm1(_ x: Double) -> Double { Foundation.expm1(x) }
