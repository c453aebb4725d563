// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "CrystalRL",
  products: [
    .executable(name: "crystalrl", targets: ["crystalrl"]),
    .executable(name: "crystalrl-bench", targets: ["Benchmarks"]),
    .executable(name: "crystalrl-plugin-worker", targets: ["crystalrl-plugin-worker"]),
    .library(
      name: "CrystalRL", targets: ["CrystalCore", "RewardPipeline", "PluginHost", "CrystalConfig"]),
    // Example reward plugins, built as shared libraries (libAtomicDensity.so, ...).
    .library(name: "AtomicDensity", type: .dynamic, targets: ["AtomicDensity"]),
    .library(name: "AtomicDensitySwift", type: .dynamic, targets: ["AtomicDensitySwift"]),
    .library(name: "DNG", type: .dynamic, targets: ["DNG"]),
    .library(name: "Predictor", type: .dynamic, targets: ["Predictor"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // The public C header of the plugin ABI, plus its frozen-layout guard.
    .target(name: "CrystalRLABI"),
    // OpenBLAS's CBLAS (system package libopenblas-dev).
    .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
    .target(name: "CrystalCore"),
    .target(name: "StructureMatching", dependencies: ["CrystalCore"]),
    .target(name: "DNGMetrics", dependencies: ["CrystalCore", "COpenBLAS"]),
    // fork/exec with a new process group and a parent-death signal (prctl is variadic).
    .target(name: "CProcessSpawn"),
    .target(name: "WorkerProcess", dependencies: ["CProcessSpawn"]),
    .target(name: "EnergyCalculation", dependencies: ["CrystalCore", "WorkerProcess"]),
    .target(name: "ReferenceData", dependencies: ["CrystalCore"]),
    .target(
      name: "DNGRewardMetrics",
      dependencies: [
        "CrystalCore", "RewardPipeline", "StructureMatching", "DNGMetrics", "EnergyCalculation",
        "ReferenceData", "CrystalModels",
      ]),
    .target(name: "TensorEngine", dependencies: ["COpenBLAS"]),
    .target(name: "CrystalModels", dependencies: ["TensorEngine", "CrystalCore"]),
    .target(
      name: "CrystalTraining",
      dependencies: ["CrystalModels", "TensorEngine", "CrystalCore", "RewardPipeline"]),
    .target(name: "RewardPipeline", dependencies: ["CrystalCore"]),
    .target(
      name: "PluginHost",
      dependencies: [
        "CrystalRLABI", "CrystalCore", "RewardPipeline", "WorkerProcess", "CProcessSpawn",
      ]),
    .target(name: "CrystalConfig", dependencies: ["Yams"]),
    .target(
      name: "CrystalRLCommands",
      dependencies: [
        "CrystalCore", "RewardPipeline", "PluginHost", "CrystalConfig", "DNGMetrics",
        "DNGRewardMetrics",
        "EnergyCalculation", "ReferenceData", "CrystalModels", "CrystalTraining", "TensorEngine",
        "StructureMatching",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "crystalrl", dependencies: ["CrystalRLCommands"]),
    // Runs one plugin component in its own process (isolation: process).
    .executableTarget(
      name: "crystalrl-plugin-worker", dependencies: ["PluginHost"], path: "Sources/PluginWorker"),
    .executableTarget(
      name: "Benchmarks",
      dependencies: [
        "CrystalCore", "RewardPipeline", "PluginHost", "StructureMatching", "DNGMetrics",
        "TensorEngine", "CrystalModels", "CrystalRLCommands", "CrystalConfig", "TestSupport",
        "COpenBLAS", "CrystalTraining", "EnergyCalculation",
      ]),

    // Example plugins.
    .target(
      name: "AtomicDensity", dependencies: ["CrystalRLABI"], path: "Plugins/AtomicDensity",
      publicHeadersPath: "."),
    .target(name: "SwiftPluginKit", dependencies: ["CrystalRLABI"], path: "Plugins/SwiftPluginKit"),
    .target(
      name: "AtomicDensitySwift", dependencies: ["CrystalRLABI", "SwiftPluginKit"],
      path: "Plugins/AtomicDensitySwift"),
    .target(
      name: "DNG", dependencies: ["CrystalRLABI"], path: "Plugins/DNG", publicHeadersPath: "."),
    .target(
      name: "Predictor",
      dependencies: ["CrystalRLABI", "SwiftPluginKit", "CrystalCore", "CrystalModels"],
      path: "Plugins/Predictor"),

    // Helpers shared by the tests and benchmarks (Python oracles, dataset paths).
    .target(
      name: "TestSupport", dependencies: ["CrystalCore", "TensorEngine"], path: "Tests/TestSupport"),
    .testTarget(name: "CrystalCoreTests", dependencies: ["CrystalCore", "TestSupport"]),
    .testTarget(
      name: "StructureMatchingTests",
      dependencies: ["StructureMatching", "CrystalCore", "TestSupport"]),
    .testTarget(
      name: "DNGRewardMetricsTests",
      dependencies: [
        "DNGRewardMetrics", "DNGMetrics", "ReferenceData", "RewardPipeline", "CrystalCore",
        "EnergyCalculation", "CrystalModels", "TensorEngine", "TestSupport",
      ]),
    .testTarget(
      name: "DNGMetricsTests", dependencies: ["DNGMetrics", "CrystalCore", "TestSupport"]),
    .testTarget(
      name: "EnergyCalculationTests",
      dependencies: ["EnergyCalculation", "WorkerProcess", "CrystalCore", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "CrystalTrainingTests",
      dependencies: [
        "CrystalTraining", "CrystalModels", "TensorEngine", "RewardPipeline", "CrystalCore",
        "TestSupport",
      ]),
    .testTarget(
      name: "CrystalModelsTests",
      dependencies: ["CrystalModels", "TensorEngine", "CrystalCore", "TestSupport"]),
    .testTarget(name: "TensorEngineTests", dependencies: ["TensorEngine", "TestSupport"]),
    .testTarget(
      name: "RewardPipelineTests", dependencies: ["RewardPipeline", "CrystalCore", "TestSupport"]),
    // A small host the isolation tests SIGKILL mid-batch.
    .executableTarget(
      name: "crystalrl-isolation-probe",
      dependencies: ["PluginHost", "RewardPipeline", "CrystalCore"],
      path: "Tests/IsolationProbe"),
    .testTarget(
      name: "PluginHostTests",
      dependencies: [
        "PluginHost", "RewardPipeline", "CrystalCore", "TestSupport", "crystalrl-isolation-probe",
      ],
      exclude: ["Fixtures"]),
    .testTarget(name: "CrystalConfigTests", dependencies: ["CrystalConfig", "TestSupport"]),
    .testTarget(
      name: "CrystalRLCommandsTests",
      dependencies: [
        "CrystalRLCommands", "CrystalConfig", "PluginHost", "RewardPipeline", "CrystalCore",
        "CrystalRLABI", "TestSupport",
      ]),
  ],
  swiftLanguageModes: [.v5]
)
