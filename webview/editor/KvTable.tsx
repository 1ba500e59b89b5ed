/** Facts as a two-column table (the side panel's overview and details). */
export function KvTable({ rows }: { rows: [string, string | number][] }) {
  return (
    <table className="ms-kv">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
