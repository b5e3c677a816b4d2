import type { JobResult } from '@qonduit/sdk';
import { countBars } from './counts';

/**
 * Measurement counts as a bar chart. It is a table underneath, so a screen reader reads the
 * outcomes and counts; the bars are decoration on top.
 */
export function CountsChart({ result, caption }: { result: JobResult; caption: string }) {
  const { bars, total, hidden } = countBars(result.counts);
  const widest = bars[0]?.share ?? 1;
  return (
    <table className="counts">
      <caption>
        {caption} · {total.toLocaleString()} shots
      </caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">Outcome</th>
          <th scope="col">Count</th>
        </tr>
      </thead>
      <tbody>
        {bars.map((bar) => (
          <tr key={bar.outcome}>
            <th scope="row" className="mono counts-outcome">
              {bar.outcome}
            </th>
            <td className="counts-cell">
              <span className="counts-bar" aria-hidden="true" style={{ width: `${(bar.share / widest) * 100}%` }} />
              <span className="counts-value">
                {bar.count.toLocaleString()} <span className="subtle">({(bar.share * 100).toFixed(1)}%)</span>
              </span>
            </td>
          </tr>
        ))}
      </tbody>
      {hidden > 0 && (
        <tfoot>
          <tr>
            <td colSpan={2} className="subtle">
              and {hidden} rarer outcomes
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
