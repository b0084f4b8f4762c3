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
}
