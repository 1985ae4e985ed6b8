// Each test runs a whole devnet of real processes: one at a time, or two cores are oversubscribed.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
