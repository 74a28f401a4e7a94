import Testing
import SegmentaCore

/// Amounts carry a currency only when every order that names one names the same.
@Suite struct CurrencyMixTests {
    @Test func oneCurrencyOrSeveral() {
        let one = CurrencyMix([(currency: "EUR", orders: 10), (currency: nil, orders: 3)])
        #expect(one.single == "EUR" && one.amount(1234.5) == "1,234.50 EUR" && one.amount(344_235.4, cents: false) == "344,235 EUR" && one.warning == nil)
        let several = CurrencyMix([(currency: "USD", orders: 3), (currency: "EUR", orders: 6), (currency: "GBP", orders: 1)])
        #expect(several.single == nil && several.amount(1234.5) == "1,234.50")
        #expect(several.warning == "orders are in EUR (60%), USD (30%), GBP (10%), added as they are: convert them to one currency before importing for totals in one currency")
        #expect(CurrencyMix([]).single == nil && CurrencyMix([]).warning == nil)
    }
}
