using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Polis.Consensus.Tests")]
[assembly: InternalsVisibleTo("Polis.Simulation.Tests")]
