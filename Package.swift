// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "CrystalRL",
  products: [
    .executable(name: "crystalrl", targets: ["crystalrl"]),
    .executable(name: "crystalrl-bench", targets: ["Benchmarks"]),
    .executable(name: "crystalrl-plugin-worker", targets: ["crystalrl-plugin-worker"]),
    // The HTTP reward server (`crystalrl serve` runs it), built on its own: `make serve`.
    .executable(name: "crystalrl-serve", targets: ["crystalrl-serve"]),
    // The host as a library: structures, the reward pipeline, plugins, configs, and the
    // assembly of a configured pipeline (what the command line and the benchmarks use).
    .library(
      name: "CrystalRL",
      targets: ["CrystalCore", "RewardPipeline", "PluginHost", "CrystalConfig", "RewardAssembly"]),
    // Example reward plugins, built as shared libraries (libAtomicDensity.so, ...).
    .library(name: "AtomicDensity", type: .dynamic, targets: ["AtomicDensity"]),
    .library(name: "AtomicDensitySwift", type: .dynamic, targets: ["AtomicDensitySwift"]),
    .library(name: "DNG", type: .dynamic, targets: ["DNG"]),
    .library(name: "Predictor", type: .dynamic, targets: ["Predictor"]),
    .library(name: "FunctionReward", type: .dynamic, targets: ["FunctionReward"]),
    .library(name: "PythonReward", type: .dynamic, targets: ["PythonReward"]),
    .library(name: "ToyPotential", type: .dynamic, targets: ["ToyPotential"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
  ],
  targets: [
    // The public C header of the plugin ABI, plus its frozen-layout guard.
    .target(name: "CrystalRLABI"),
    // OpenBLAS's CBLAS (system package libopenblas-dev).
    .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
    // libffi (system package libffi-dev), for FunctionReward's calls built at run time.
    .systemLibrary(name: "CFFI", path: "Sources/CFFI"),
    .target(name: "CrystalCore", dependencies: ["Parallelism"]),
    // Seeded random numbers (SplitMix64) shared by the engine and the metrics.
    .target(name: "Randomness"),
    // Little-endian byte readers and writers (the worker protocol, structure archives).
    .target(name: "BinaryCoding"),
    // Where caches live on this machine (CRYSTALRL_CACHE), the Python environments, and the
    // stable FNV-1a key of cached files.
    .target(name: "LocalCache"),
    // Runs the parts of a job on threads and gathers the results in order.
    .target(name: "Parallelism"),
    // Progress of long waits (count, rate, time left) on standard error.
    .target(name: "ProgressReporting"),
    .target(name: "StructureMatching", dependencies: ["CrystalCore"]),
    .target(
      name: "DNGAlgorithms",
      dependencies: ["CrystalCore", "COpenBLAS", "Randomness", "Parallelism"]),
    // fork/exec with a new process group and a parent-death signal (prctl is variadic).
    .target(name: "CProcessSpawn"),
    .target(name: "WorkerProcess", dependencies: ["CProcessSpawn"]),
    .target(
      name: "EnergyCalculation",
      dependencies: ["CrystalCore", "WorkerProcess", "LocalCache", "Parallelism"]),
    .target(
      name: "ReferenceData",
      dependencies: ["CrystalCore", "BinaryCoding", "DurableFiles", "LocalCache"]),
    .target(
      name: "DNGMetricProviders",
      dependencies: [
        "CrystalCore", "RewardPipeline", "StructureMatching", "DNGAlgorithms", "EnergyCalculation",
        "ReferenceData", "ProgressReporting", "LocalCache", "Parallelism",
      ]),
    // Crash-safe file writes (temporary file, fsync, rename) for checkpoints and run logs.
    .target(name: "DurableFiles"),
    .target(
      name: "TensorEngine",
      dependencies: ["COpenBLAS", "Randomness", "DurableFiles", "Parallelism"]),
    .target(name: "CrystalModels", dependencies: ["TensorEngine", "CrystalCore", "LocalCache"]),
    .target(
      name: "CrystalTraining",
      dependencies: [
        "CrystalModels", "TensorEngine", "CrystalCore", "RewardPipeline", "StructureMatching",
        "CrystalConfig", "DurableFiles", "ProgressReporting", "DNGAlgorithms",
      ]),
    .target(name: "RewardPipeline", dependencies: ["CrystalCore"]),
    .target(
      name: "PluginHost",
      dependencies: [
        "CrystalRLABI", "CrystalCore", "RewardPipeline", "WorkerProcess", "CProcessSpawn",
        "BinaryCoding", "Parallelism",
      ]),
    // `crystalrl plugin new` and `plugin check`: the scaffold (its templates built in) and the
    // conformance kit, on top of the runtime.
    .target(name: "PluginTooling", dependencies: ["PluginHost", "CrystalCore", "RewardPipeline"]),
    .target(name: "CrystalConfig", dependencies: ["Yams", "LocalCache"]),
    // Turns a composed configuration into a ReinforceReward: plugins, built-in components,
    // DNG metrics, datasets, and the diversity features of a VAE.
    .target(
      name: "RewardAssembly",
      dependencies: [
        "CrystalConfig", "CrystalCore", "RewardPipeline", "PluginHost", "DNGAlgorithms",
        "DNGMetricProviders", "EnergyCalculation", "ReferenceData", "CrystalModels",
        "ProgressReporting", "LocalCache",
      ]),
    .target(
      name: "CrystalRLCommands",
      dependencies: [
        "CrystalConfig", "RewardAssembly", "CrystalTraining", "CrystalModels", "CrystalCore",
        "RewardPipeline", "PluginHost", "PluginTooling", "Randomness",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "crystalrl", dependencies: ["CrystalRLCommands"]),
    // Scoring requests for a served pipeline: decoding and checking structures, admission
    // (concurrency, queue, deadlines), the replies; no HTTP in it.
    .target(
      name: "RewardService",
      dependencies: [
        "CrystalCore", "RewardPipeline", "RewardAssembly", "CrystalConfig", "PluginHost",
        "Parallelism",
      ]),
    // The HTTP front of a RewardService: routes, limits, tokens, TLS, Prometheus metrics.
    .target(
      name: "RewardServer",
      dependencies: [
        "RewardService",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]),
    .executableTarget(
      name: "crystalrl-serve",
      dependencies: [
        "CrystalRLCommands", "RewardServer", "RewardService",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/RewardServerCommand"),
    // Runs one plugin component or metric provider in its own process (isolation: process).
    .executableTarget(
      name: "crystalrl-plugin-worker", dependencies: ["PluginHost"], path: "Sources/PluginWorker"),
    .executableTarget(
      name: "Benchmarks",
      dependencies: [
        "CrystalCore", "RewardPipeline", "PluginHost", "StructureMatching", "DNGAlgorithms",
        "TensorEngine", "CrystalModels", "RewardAssembly", "CrystalConfig", "ReferenceOracles",
        "COpenBLAS", "CrystalTraining", "EnergyCalculation", "ReferenceData", "ProgressReporting",
        "LocalCache", "CrystalRLCommands", "Parallelism", "WorkerProcess",
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
    .target(
      name: "FunctionReward", dependencies: ["CrystalRLABI", "SwiftPluginKit", "CFFI"],
      path: "Plugins/FunctionReward"),
    .target(
      name: "PythonReward", dependencies: ["CrystalRLABI", "SwiftPluginKit"],
      path: "Plugins/PythonReward"),
    // A metric-provider plugin (ABI 1.1): a toy pair potential's energy_per_atom.
    .target(
      name: "ToyPotential", dependencies: ["CrystalRLABI"], path: "Plugins/ToyPotential",
      publicHeadersPath: "."),

    // The Python reference stack (pymatgen, amd, numpy, PyTorch) and the shared datasets, for
    // the tests and the benchmarks.
    .target(name: "ReferenceOracles", dependencies: ["CrystalCore", "LocalCache"]),
    // Test-only helpers (plugin builds, finite differences, small cells, reward configs, error
    // assertions); re-exports ReferenceOracles.
    .target(
      name: "TestSupport",
      dependencies: [
        "CrystalCore", "TensorEngine", "ReferenceOracles", "CrystalConfig", "RewardPipeline",
        "PluginHost", "RewardAssembly",
      ],
      path: "Tests/TestSupport"),
    .testTarget(name: "CrystalCoreTests", dependencies: ["CrystalCore", "TestSupport"]),
    .testTarget(
      name: "StructureMatchingTests",
      dependencies: ["StructureMatching", "CrystalCore", "TestSupport"]),
    .testTarget(
      name: "DNGMetricProvidersTests",
      dependencies: [
        "DNGMetricProviders", "DNGAlgorithms", "ReferenceData", "RewardPipeline", "CrystalCore",
        "EnergyCalculation", "TestSupport", "LocalCache",
      ]),
    .testTarget(
      name: "DNGAlgorithmsTests", dependencies: ["DNGAlgorithms", "CrystalCore", "TestSupport"]),
    .testTarget(
      name: "EnergyCalculationTests",
      dependencies: [
        "EnergyCalculation", "WorkerProcess", "CrystalCore", "TestSupport",
      ],
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
    .testTarget(name: "ParallelismTests", dependencies: ["Parallelism"]),
    .testTarget(name: "ProgressReportingTests", dependencies: ["ProgressReporting"]),
    .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
    .testTarget(name: "BinaryCodingTests", dependencies: ["BinaryCoding"]),
    .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles"]),
    .testTarget(name: "WorkerProcessTests", dependencies: ["WorkerProcess", "TestSupport"]),
    .testTarget(
      name: "ReferenceDataTests", dependencies: ["ReferenceData", "CrystalCore", "TestSupport"]),
    .testTarget(
      name: "LocalCacheTests",
      dependencies: ["LocalCache", "CrystalModels", "CrystalConfig"]),
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
        "BinaryCoding", "Parallelism",
      ],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "PluginToolingTests",
      dependencies: [
        "PluginTooling", "PluginHost", "CrystalModels", "TensorEngine", "TestSupport",
      ]),
    .testTarget(name: "CrystalConfigTests", dependencies: ["CrystalConfig", "TestSupport"]),
    .testTarget(
      name: "RewardAssemblyTests",
      dependencies: [
        "RewardAssembly", "CrystalConfig", "PluginHost", "RewardPipeline", "CrystalCore",
        "CrystalRLABI", "CrystalModels", "DNGAlgorithms", "DNGMetricProviders", "EnergyCalculation",
        "TensorEngine", "TestSupport", "LocalCache",
      ]),
    .testTarget(
      name: "RewardServerTests", dependencies: ["CrystalCore", "TestSupport", "ReferenceOracles"],
      exclude: ["Fixtures", "Python"]),
    .testTarget(
      name: "CrystalRLCommandsTests",
      dependencies: [
        "CrystalRLCommands", "CrystalConfig", "CrystalModels", "CrystalTraining", "CrystalCore",
        "RewardPipeline", "TestSupport",
      ],
      exclude: ["Golden", "Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
