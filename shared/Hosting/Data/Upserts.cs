using Microsoft.EntityFrameworkCore;

namespace Refinery.Hosting.Data;

/// <summary>Idempotent writes by business key, for consumers that may run twice for the same message.</summary>
public static class Upserts
{
    /// <summary>Runs <paramref name="update"/> (an ExecuteUpdate by the row's key); when it changed nothing, inserts
    /// the row. Another consumer that inserted the same key between the two makes the insert fail: then its row is
    /// updated instead. Two consumers writing the same key write the same deterministic values, so the last wins.</summary>
    public static async Task UpsertAsync<T>(this DbContext db, T row, Func<CancellationToken, Task<int>> update, CancellationToken ct)
        where T : class
    {
        try
        {
            if (await update(ct) > 0) return;
            db.Set<T>().Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                if (await update(ct) == 0) throw;
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Inserts the row unless <paramref name="find"/> finds it (a job addressed by its content); returns the
    /// stored row either way. Another consumer that inserted it between the look-up and the insert makes the insert
    /// fail: then its row is returned.</summary>
    public static async Task<T> AddOrGetAsync<T>(this DbContext db, T row, Func<CancellationToken, Task<T?>> find, CancellationToken ct)
        where T : class
    {
        try
        {
            if (await find(ct) is { } existing) return existing;
            db.Set<T>().Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                return await find(ct) ?? throw new InvalidOperationException($"{typeof(T).Name} could not be recorded");
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
