/** Pads cells into aligned columns; long cells wrap at `maxWidth` characters per column. */
export function table(headers: string[], rows: string[][], maxWidth = 60): string {
  const wrap = (s: string): string[] => {
    const out: string[] = []
    for (const para of s.split('\n')) {
      let line = ''
      for (const word of para.split(' ')) {
        if (line && line.length + 1 + word.length > maxWidth) {
          out.push(line)
          line = word
        } else line = line ? `${line} ${word}` : word
      }
      out.push(line)
    }
    return out
  }
  const cells = [headers, ...rows].map((r) => r.map(wrap))
  const widths = headers.map((_, i) =>
    Math.max(...cells.map((r) => Math.max(...(r[i] ?? ['']).map((l) => l.length)))),
  )
  const lines: string[] = []
  cells.forEach((row, ri) => {
    const height = Math.max(...row.map((c) => c.length))
    for (let h = 0; h < height; h++)
      lines.push(
        row
          .map((c, i) => (c[h] ?? '').padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
    if (ri === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '))
  })
  return lines.join('\n')
}
