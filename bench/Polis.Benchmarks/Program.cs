using BenchmarkDotNet.Running;

// Kernel micro-benchmarks. Run all: dotnet run -c Release --project bench/Polis.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Polis.Benchmarks.CryptoBenchmarks).Assembly).Run(args);
