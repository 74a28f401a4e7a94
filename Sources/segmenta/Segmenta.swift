import ArgumentParser

/// The `segmenta` command.
@main
struct Segmenta: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segmenta",
        abstract: "Customer segmentation you run yourself: import customers, orders and events; get RFM, lifecycle and cohort retention.",
        discussion: """
        Start with `segmenta demo`, which builds a sample store (segmenta.sqlite) and shows what it finds.
        Every command reads and writes the store given by --db (or SEGMENTA_DB), default ./segmenta.sqlite.
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Import.self, RFM.self, Lifecycle.self, Cohorts.self, Segments.self, Migrations.self, CLV.self, Clusters.self, Compare.self, Validate.self, HypothesisCommand.self, ExperimentCommand.self, Report.self, Predict.self, Serve.self, Keys.self, Support.self, Privacy.self, Store.self, Bench.self]
    )
}
