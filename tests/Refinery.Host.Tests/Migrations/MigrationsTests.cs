using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Refinery.Hosting.Data;
using Refinery.Hosting.Jobs;

namespace Refinery.Host.Tests.Migrations;

/// <summary>Every service's migrations, on SQLite and on PostgreSQL.</summary>
public sealed class MigrationsTests
{
    [Theory, MemberData(nameof(ServiceDatabases.All), MemberType = typeof(ServiceDatabases))]
    public async Task Model_MatchesTheLatestMigration(string target, string provider)
    {
        await using var databases = ServiceDatabases.WithoutServer(target, provider);

        var pending = await databases.WithContextAsync(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.False(pending, $"{target} on {provider}: the model changed without a migration (see README, \"Contributing: schema changes\")");
    }

    [Theory, MemberData(nameof(ServiceDatabases.All), MemberType = typeof(ServiceDatabases))]
    public async Task Model_WithAColumnNoMigrationAdds_HasPendingChanges(string target, string provider)
    {
        await using var databases = ServiceDatabases.WithoutServer(target, provider);

        var pending = await databases.WithContextAsync(db =>
        {
            // The same context type (so the same migrations), its model built with one more column.
            // The builder keeps the options' context type, so the derived context's constructor accepts them.
            var options = new DbContextOptionsBuilder((DbContextOptions)db.GetService<IDbContextOptions>())
                .ReplaceService<IModelCustomizer, AddsAColumn>()
                .ReplaceService<IModelCacheKeyFactory, ChangedModelCacheKey>().Options;
            using var changed = (DbContext)Activator.CreateInstance(db.GetType(), options)!;
            return Task.FromResult(changed.Database.HasPendingModelChanges());
        });

        Assert.True(pending);
    }

    [Theory, MemberData(nameof(ServiceDatabases.All), MemberType = typeof(ServiceDatabases))]
    public async Task Migrate_EmptyDatabase_CreatesEveryTableAndTheHistory(string target, string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, provider);
        Assert.Equal(DatabaseState.Pending, (await databases.Database.StatusAsync(default)).State);

        var applied = await databases.Database.MigrateAsync(default);

        var status = await databases.Database.StatusAsync(default);
        Assert.Equal(DatabaseState.Current, status.State);
        Assert.Equal(applied, status.Applied);
        Assert.NotEmpty(applied);
        await databases.WithContextAsync(async db =>
        {
            foreach (var entity in db.Model.GetEntityTypes()) Assert.Equal(0, await OldBuildSchema.CountAsync(db, entity));
            Assert.Equal(applied.Count, await HistoryCountAsync(db, target));
            return 0;
        });
    }

    [Theory, MemberData(nameof(ServiceDatabases.All), MemberType = typeof(ServiceDatabases))]
    public async Task Migrate_TablesAnEarlierBuildCreated_KeepsTheirRowsAndRecordsTheFirstMigration(string target, string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, provider);
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.CreateAsync(db);
            await OldBuildSchema.AddOneRowPerTableAsync(db);
            return 0;
        });
        var before = await databases.Database.StatusAsync(default);
        Assert.Equal(DatabaseState.Adoptable, before.State);
        Assert.Empty(before.Applied);

        var applied = await databases.Database.MigrateAsync(default);

        var after = await databases.Database.StatusAsync(default);
        Assert.Equal(DatabaseState.Current, after.State);
        Assert.Equal(before.Pending[0], after.Applied[0]);
        Assert.DoesNotContain(before.Pending[0], applied);
        await databases.WithContextAsync(async db =>
        {
            foreach (var entity in db.Model.GetEntityTypes())
                Assert.Equal(OldBuildSchema.IsFirstMigrations(db, entity) ? 1 : 0, await OldBuildSchema.CountAsync(db, entity));
            Assert.Equal(after.Applied.Count, await HistoryCountAsync(db, target));
            return 0;
        });
    }

    [Theory, MemberData(nameof(ServiceDatabases.All), MemberType = typeof(ServiceDatabases))]
    public async Task Migrate_FromTheFirstMigrationWithRows_KeepsEveryRowThroughEveryLaterMigration(string target, string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, provider);
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToFirstAsync(db);
            await OldBuildSchema.AddOneRowPerTableAsync(db);
            return 0;
        });
        var before = await databases.Database.StatusAsync(default);

        var applied = await databases.Database.MigrateAsync(default);

        Assert.Equal(before.Pending, applied);
        Assert.Equal(DatabaseState.Current, (await databases.Database.StatusAsync(default)).State);
        await databases.WithContextAsync(async db =>
        {
            foreach (var entity in db.Model.GetEntityTypes())
                Assert.Equal(OldBuildSchema.IsFirstMigrations(db, entity) ? 1 : 0, await OldBuildSchema.CountAsync(db, entity));
            // Every row of the first migration's tables reads back through today's model, new columns included.
            foreach (var entity in db.Model.GetEntityTypes().Where(e => OldBuildSchema.IsFirstMigrations(db, e)))
                Assert.Single(await RowsAsync(db, entity.ClrType));
            return 0;
        });
    }

    /// <summary>Gateway's second migration: corpora gain Generation (0 for rows before it), dedups FailedStep (null).</summary>
    [Theory]
    [InlineData(ServiceDatabases.Sqlite)]
    [InlineData(ServiceDatabases.Postgres)]
    public async Task Migrate_GatewayRowsFromTheFirstMigration_GetGenerationZeroAndNoFailedStep(string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync("gateway", provider);
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToFirstAsync(db);
            await OldBuildSchema.AddOneRowPerTableAsync(db);
            return 0;
        });

        await databases.Database.MigrateAsync(default);

        await databases.WithContextAsync(async db =>
        {
            var gateway = (Gateway.Data.GatewayDbContext)db;
            Assert.Equal(0, (await gateway.Corpora.SingleAsync()).Generation);
            Assert.Null((await gateway.Dedups.SingleAsync()).FailedStep);
            Assert.Empty(await gateway.DatasetRequests.ToListAsync());
            return 0;
        });
    }

    /// <summary>Gateway's third migration: the job read model, empty, beside the rows the earlier migrations' tables hold;
    /// a job written after it reads back.</summary>
    [Theory]
    [InlineData(ServiceDatabases.Sqlite)]
    [InlineData(ServiceDatabases.Postgres)]
    public async Task Migrate_GatewayRowsFromBeforeTheJobs_KeepTheirRows_AndGainAnEmptyJobsTable(string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync("gateway", provider);
        var (requestId, corpusId, now) = (Guid.NewGuid(), Guid.NewGuid(), DateTime.UtcNow);
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToBeforeAsync(db, "AddJobs");
            var gateway = (Gateway.Data.GatewayDbContext)db;
            gateway.DatasetRequests.Add(new Gateway.Domain.DatasetRequestView { Id = requestId, Dataset = "news", CreatedAt = now, UpdatedAt = now });
            gateway.Dedups.Add(new Gateway.Domain.DedupView { CorpusId = corpusId, Config = "rpv2-0.8", Corpus = "web", UpdatedAt = now });
            return await db.SaveChangesAsync();
        });

        var applied = await databases.Database.MigrateAsync(default);

        Assert.Equal("_AddJobs", applied[0][^8..]); // later migrations follow it
        await databases.WithContextAsync(async db =>
        {
            var gateway = (Gateway.Data.GatewayDbContext)db;
            Assert.Equal(requestId, (await gateway.DatasetRequests.SingleAsync()).Id);
            var dedup = await gateway.Dedups.SingleAsync();
            Assert.Equal(("web", "rpv2-0.8"), (dedup.Corpus, dedup.Config));
            Assert.Empty(await gateway.Jobs.ToListAsync());
            gateway.Jobs.Add(new Gateway.Domain.JobView
            {
                Service = "dedup", Job = "web/rpv2-0.8", Step = "link partitions", Done = 1, Total = 3, CorpusId = corpusId, UpdatedAt = now,
            });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            var job = await gateway.Jobs.SingleAsync();
            Assert.Equal(("running", "link partitions", 1, 3, (Guid?)corpusId), (job.State, job.Step, job.Done, job.Total, job.CorpusId));
            return 0;
        });
    }

    /// <summary>Gateway's AddCorpusFingerprints: a corpus from before it keeps its row with no fingerprint, so its name
    /// stays taken (a claim finds its content unknown); a corpus claimed after it records its fingerprint.</summary>
    [Theory]
    [InlineData(ServiceDatabases.Sqlite)]
    [InlineData(ServiceDatabases.Postgres)]
    public async Task Migrate_GatewayCorpusFromBeforeFingerprints_HasNone_AndItsNameStaysTaken(string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync("gateway", provider);
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToFirstAsync(db);
            await OldBuildSchema.AddOneRowPerTableAsync(db);
            return 0;
        });

        var applied = await databases.Database.MigrateAsync(default);

        Assert.Contains(applied, id => id.EndsWith("_AddCorpusFingerprints", StringComparison.Ordinal));
        await databases.WithContextAsync(async db =>
        {
            var gateway = (Gateway.Data.GatewayDbContext)db;
            var old = await gateway.Corpora.AsNoTracking().SingleAsync();
            Assert.Null(old.Fingerprint);
            var claims = new Gateway.Data.CorpusClaims(gateway, TimeProvider.System);
            Assert.Equal(Gateway.Data.ClaimOutcome.Unknown, await claims.ClaimAsync(old.Id, old.Name, 1, new string('a', 64), TimeSpan.FromMinutes(2), default));
            var fresh = Guid.NewGuid();
            Assert.Equal(Gateway.Data.ClaimOutcome.Claimed, await claims.ClaimAsync(fresh, "fresh", 1, new string('b', 64), TimeSpan.FromMinutes(2), default));
            Assert.Equal(new string('b', 64), (await gateway.Corpora.AsNoTracking().SingleAsync(c => c.Id == fresh)).Fingerprint);
            return 0;
        });
    }

    /// <summary>Gateway's AddTrainingJobs: the rows of the earlier tables stay, the training read model starts empty, and a
    /// job and its curve points written after it read back (one point per job and step).</summary>
    [Theory]
    [InlineData(ServiceDatabases.Sqlite)]
    [InlineData(ServiceDatabases.Postgres)]
    public async Task Migrate_GatewayRowsFromBeforeTraining_KeepTheirRows_AndGainEmptyTrainingTables(string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync("gateway", provider);
        var (requestId, now) = (Guid.NewGuid(), new DateTime(2026, 12, 7, 13, 0, 0, DateTimeKind.Utc));
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToBeforeAsync(db, "AddTrainingJobs");
            var gateway = (Gateway.Data.GatewayDbContext)db;
            gateway.DatasetRequests.Add(new Gateway.Domain.DatasetRequestView { Id = requestId, Dataset = "news", CreatedAt = now, UpdatedAt = now });
            gateway.Jobs.Add(new Gateway.Domain.JobView { Service = "curation", Job = "news@0123456789ab", Step = "parts", Done = 2, Total = 4, UpdatedAt = now });
            return await db.SaveChangesAsync();
        });

        var applied = await databases.Database.MigrateAsync(default);

        Assert.EndsWith("_AddTrainingJobs", applied[0], StringComparison.Ordinal);
        await databases.WithContextAsync(async db =>
        {
            var gateway = (Gateway.Data.GatewayDbContext)db;
            Assert.Equal(requestId, (await gateway.DatasetRequests.SingleAsync()).Id);
            var job = await gateway.Jobs.SingleAsync();
            Assert.Equal(("news@0123456789ab", 2, 4), (job.Job, job.Done, job.Total));
            Assert.Empty(await gateway.TrainingJobs.ToListAsync());
            Assert.Empty(await gateway.TrainingPoints.ToListAsync());
            gateway.TrainingJobs.Add(new Gateway.Domain.TrainingJobView
            {
                JobId = "0123456789ab", Status = "running", Kind = "pretrain", Step = 20, TotalSteps = 100, Loss = 3.25, StartedAt = now,
                CreatedAt = now, UpdatedAt = now,
            });
            gateway.TrainingPoints.Add(new Gateway.Domain.TrainingPointView { JobId = "0123456789ab", Step = 20, Tokens = 81_920, Loss = 3.25 });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            var training = await gateway.TrainingJobs.SingleAsync();
            Assert.Equal(("running", 20, 3.25, (double?)null), (training.Status, training.Step, training.Loss!.Value, training.ValidationLoss));
            Assert.Equal(now, DateTime.SpecifyKind(training.StartedAt!.Value, DateTimeKind.Utc));
            gateway.TrainingPoints.Add(new Gateway.Domain.TrainingPointView { JobId = "0123456789ab", Step = 20, Tokens = 1 });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            return 0;
        });
    }

    /// <summary>Gateway's AddCorpusFailedStepAndSignalShards: a corpus from before it (failed, without a step) keeps its row and
    /// its reason with no step; the signal shard read model starts empty, and a shard failed after it reads back with its step
    /// (one row per corpus, configuration and shard).</summary>
    [Theory]
    [InlineData(ServiceDatabases.Sqlite)]
    [InlineData(ServiceDatabases.Postgres)]
    public async Task Migrate_GatewayCorpusFromBeforeFailedSteps_KeepsItsError_WithNoStep_AndSignalShardsStartEmpty(string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync("gateway", provider);
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToFirstAsync(db);
            await OldBuildSchema.AddOneRowPerTableAsync(db);
            return 0;
        });
        var now = new DateTime(2026, 12, 7, 19, 0, 0, DateTimeKind.Utc);

        var applied = await databases.Database.MigrateAsync(default);

        Assert.EndsWith("_AddCorpusFailedStepAndSignalShards", applied[^1], StringComparison.Ordinal);
        await databases.WithContextAsync(async db =>
        {
            var gateway = (Gateway.Data.GatewayDbContext)db;
            var old = await gateway.Corpora.AsNoTracking().SingleAsync();
            Assert.NotNull(old.Error);
            Assert.Null(old.FailedStep);
            Assert.Single(await gateway.Shards.ToListAsync());
            Assert.Empty(await gateway.SignalShards.ToListAsync());
            gateway.SignalShards.Add(new Gateway.Domain.CorpusSignalShardView
            {
                CorpusId = old.Id, Config = "rpv2", Shard = 2, State = "failed", FailedStep = "shard 2", Error = "corrupt zstd frame", UpdatedAt = now,
            });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            var shard = await gateway.SignalShards.AsNoTracking().SingleAsync();
            Assert.Equal(("failed", "shard 2", "corrupt zstd frame"), (shard.State, shard.FailedStep, shard.Error));
            Assert.Equal(now, DateTime.SpecifyKind(shard.UpdatedAt, DateTimeKind.Utc));
            gateway.SignalShards.Add(new Gateway.Domain.CorpusSignalShardView { CorpusId = old.Id, Config = "rpv2", Shard = 2, UpdatedAt = now });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            return 0;
        });
    }

    /// <summary>Curation's and Dedup's AddJobWaits, and Training's AddLastRunFailureAndJobWaits: their rows from the first migration stay, and the new job_waits table
    /// holds one row per awaited condition and request (a second of the same key is refused), its times read back as UTC.</summary>
    [Theory]
    [InlineData("curation", ServiceDatabases.Sqlite)]
    [InlineData("curation", ServiceDatabases.Postgres)]
    [InlineData("dedup", ServiceDatabases.Sqlite)]
    [InlineData("dedup", ServiceDatabases.Postgres)]
    [InlineData("training", ServiceDatabases.Sqlite)]
    [InlineData("training", ServiceDatabases.Postgres)]
    public async Task Migrate_RowsFromTheFirstMigration_StayAndJobWaitsStartEmpty_OneRowPerWait(string target, string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, provider);
        await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToFirstAsync(db);
            await OldBuildSchema.AddOneRowPerTableAsync(db);
            return 0;
        });

        var applied = await databases.Database.MigrateAsync(default);

        Assert.Contains(applied, id => id.EndsWith("JobWaits", StringComparison.Ordinal));
        var since = new DateTime(2026, 12, 7, 6, 30, 0, DateTimeKind.Utc);
        JobWaitRow Wait() => new()
        {
            Key = "signals:0f:rpv2", BodySha256 = new string('a', 64), MessageType = "Refinery.Contracts.Dedup.DeduplicateCorpus",
            Body = "{}", WaitingFor = "signals (rpv2) of corpus web", Since = since, RecordedAt = since, Token = Guid.NewGuid(),
        };
        await databases.WithContextAsync(async db =>
        {
            foreach (var entity in db.Model.GetEntityTypes().Where(e => OldBuildSchema.IsFirstMigrations(db, e)))
                Assert.Single(await RowsAsync(db, entity.ClrType));
            Assert.Empty(await db.Set<JobWaitRow>().ToListAsync());
            db.Add(Wait());
            await db.SaveChangesAsync();
            return 0;
        });
        await databases.WithContextAsync(async db =>
        {
            db.Add(Wait());
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            return 0;
        });
        var stored = await databases.WithContextAsync(db => db.Set<JobWaitRow>().AsNoTracking().SingleAsync());
        Assert.Equal(since, DateTime.SpecifyKind(stored.Since, DateTimeKind.Utc)); // SQLite reads a time back without its kind
        Assert.Equal("signals (rpv2) of corpus web", stored.WaitingFor);
    }

    /// <summary>Ingestion's and Training's AddLastRunFailure…: a leased job's row from the first migration keeps its
    /// values and has no last failure; a failure recorded after it reads back.</summary>
    [Theory]
    [InlineData("ingestion", ServiceDatabases.Sqlite)]
    [InlineData("ingestion", ServiceDatabases.Postgres)]
    [InlineData("training", ServiceDatabases.Sqlite)]
    [InlineData("training", ServiceDatabases.Postgres)]
    public async Task Migrate_LeasedJobRowsFromTheFirstMigration_StayWithNoLastFailure_AndOneRecordedAfterReadsBack(string target, string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, provider);
        var before = await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.MigrateToFirstAsync(db);
            await OldBuildSchema.AddOneRowPerTableAsync(db);
            // Only the columns the first migration has: today's entity has more.
            if (db is Ingestion.Data.IngestionDbContext ingestion)
            {
                var corpus = await ingestion.Corpora.Select(c => new { c.Id, c.Attempts }).SingleAsync();
                return (Id: corpus.Id.ToString(), corpus.Attempts);
            }
            var job = await ((Training.Data.TrainingDbContext)db).Jobs.Select(j => new { j.Id, j.Attempts }).SingleAsync();
            return (job.Id, job.Attempts);
        });

        var applied = await databases.Database.MigrateAsync(default);

        Assert.Contains(applied, id => id.Contains("_AddLastRunFailure", StringComparison.Ordinal));
        await databases.WithContextAsync(async db =>
        {
            var after = await LeasedJobAsync(db);
            Assert.Equal((before.Id, before.Attempts), (after.Id, after.Attempts));
            Assert.Equal((null, null), (after.LastFailedStep, after.LastError));
            if (db is Ingestion.Data.IngestionDbContext ingestion)
                await ingestion.Corpora.ExecuteUpdateAsync(u => u.SetProperty(c => c.LastFailedStep, "read sources").SetProperty(c => c.LastError, "store away"));
            else
                await ((Training.Data.TrainingDbContext)db).Jobs.ExecuteUpdateAsync(u => u.SetProperty(j => j.LastFailedStep, "step 41").SetProperty(j => j.LastError, "store away"));
            return 0;
        });
        var recorded = await databases.WithContextAsync(LeasedJobAsync);
        Assert.Equal((target == "ingestion" ? "read sources" : "step 41", "store away"), (recorded.LastFailedStep, recorded.LastError));
    }

    private static async Task<(string Id, int Attempts, string? LastFailedStep, string? LastError)> LeasedJobAsync(DbContext db)
    {
        if (db is Ingestion.Data.IngestionDbContext ingestion)
        {
            var corpus = await ingestion.Corpora.AsNoTracking().SingleAsync();
            return (corpus.Id.ToString(), corpus.Attempts, corpus.LastFailedStep, corpus.LastError);
        }
        var job = await ((Training.Data.TrainingDbContext)db).Jobs.AsNoTracking().SingleAsync();
        return (job.Id, job.Attempts, job.LastFailedStep, job.LastError);
    }

    /// <summary>Every row of an entity's table, read through the model.</summary>
    private static async Task<List<object>> RowsAsync(DbContext db, Type entity)
    {
        var set = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity).Invoke(db, null)!;
        return await set.AsNoTracking().ToListAsync();
    }

    [Theory, MemberData(nameof(ServiceDatabases.All), MemberType = typeof(ServiceDatabases))]
    public async Task Migrate_TablesThatDifferFromTheFirstMigration_FailsNamingTheDifferences(string target, string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, provider);
        var table = await databases.WithContextAsync(async db =>
        {
            await OldBuildSchema.CreateAsync(db);
            // A table the earlier build made: tables of later migrations are not there to alter.
            var entity = db.Model.GetEntityTypes().Where(e => OldBuildSchema.IsFirstMigrations(db, e)).OrderBy(e => e.GetTableName()).First();
            var qualified = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
            // Names from the model, not from input: the SQL is built as text on purpose.
            var alter = $"ALTER TABLE {qualified} ADD COLUMN \"Extra\" integer";
            await db.Database.ExecuteSqlRawAsync(alter);
            return entity.GetTableName();
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => databases.Database.MigrateAsync(default));

        Assert.Contains($"unexpected column {table}.Extra", error.Message);
        Assert.Contains(provider == ServiceDatabases.Postgres ? $"DROP SCHEMA {target} CASCADE" : $"{target}.db", error.Message);
        var status = await databases.Database.StatusAsync(default);
        Assert.Equal(DatabaseState.Unadoptable, status.State);
        Assert.Empty(status.Applied);
    }

    [Theory, MemberData(nameof(ServiceDatabases.All), MemberType = typeof(ServiceDatabases))]
    public async Task Migrate_ACurrentDatabase_AppliesNothing(string target, string provider)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, provider);
        await databases.Database.MigrateAsync(default);

        var again = await databases.Database.MigrateAsync(default);

        Assert.Empty(again);
    }

    [Theory, MemberData(nameof(ServiceDatabases.OnSqlite), MemberType = typeof(ServiceDatabases))]
    public async Task Migrate_Sqlite_LeavesTheFileInWalMode(string target)
    {
        await using var databases = await ServiceDatabases.CreateAsync(target, ServiceDatabases.Sqlite);

        await databases.Database.MigrateAsync(default);

        var mode = await databases.WithContextAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode";
            return (string?)await pragma.ExecuteScalarAsync();
        });
        Assert.Equal("wal", mode);
    }

    /// <summary>The history is in the service's schema on PostgreSQL, in the service's own file on SQLite.</summary>
    private static Task<int> HistoryCountAsync(DbContext db, string schema)
    {
        var sql = db.Database.IsNpgsql()
            ? $"SELECT count(*)::int AS \"Value\" FROM {schema}.{DbProviders.HistoryTable}"
            : $"SELECT count(*) AS \"Value\" FROM {DbProviders.HistoryTable}";
        return db.Database.SqlQueryRaw<int>(sql).SingleAsync();
    }

    /// <summary>Keeps the changed model apart from the real one wherever the model cache is shared.</summary>
    private sealed class ChangedModelCacheKey : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => (context.GetType(), nameof(AddsAColumn), designTime);
    }

    /// <summary>Adds a column to the first entity, as an edit to an entity would, without a migration for it.</summary>
    private sealed class AddsAColumn(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            var entity = modelBuilder.Model.GetEntityTypes().OrderBy(e => e.Name).First();
            modelBuilder.Entity(entity.ClrType).Property<int>("AddedWithoutMigration");
        }
    }
}
