/* eslint-disable */
// @ts-nocheck
/*
 * Copied from github.com/microsoft/MHA (853125142de88a175435ff820f47b77c423615e2), src/Scripts/row/Antispam.ts, for the benchmark peer
 * in bench/headers.ts. Edits: relative imports end in .js (ESM); see the note below where the
 * code itself was changed (HeaderModel: no rules engine or UI messages; Strings: no telemetry, htmlEncode without a DOM; 2047: no codepage package,
 * 2047: TextDecoder from globalThis). Original licence:
 *
 * MIT License
 * =====
 *
 * Copyright (c) 2017 Microsoft
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 * SOFTWARE.
 */
import { mhaStrings } from '../mhaStrings.js'
import { Strings } from '../Strings.js'
import { Header } from './Header.js'
import { Row } from './Row.js'
import { SummaryTable } from '../table/SummaryTable.js'

export class AntiSpamReport extends SummaryTable {
  public readonly tableName: string = 'antiSpamReport'
  public readonly displayName: string = mhaStrings.mhaAntiSpamReport
  public readonly tag: string = 'AS'
  private sourceInternal = ''
  private unparsedInternal = ''
  private antiSpamRows: Row[] = [
    new Row('BCL', mhaStrings.mhaBcl, 'X-Microsoft-Antispam'),
    new Row('PCL', mhaStrings.mhaPcl, 'X-Microsoft-Antispam'),
    new Row('source', mhaStrings.mhaSource, 'X-Microsoft-Antispam'),
    new Row('unparsed', mhaStrings.mhaUnparsed, 'X-Microsoft-Antispam'),
  ]

  public get rows(): Row[] {
    return this.antiSpamRows
  }

  public existsInternal(rows: Row[]): boolean {
    for (const row of rows) {
      if (row.value) {
        return true
      }
    }

    return false
  }

  private setRowValue(rows: Row[], key: string, value: string): boolean {
    for (const row of rows) {
      if (row.header.toUpperCase() === key.toUpperCase()) {
        row.value = value
        row.onGetUrl = (headerName: string, value: string) => {
          return Strings.mapHeaderToURL(headerName, value)
        }
        return true
      }
    }

    return false
  }

  // https://docs.microsoft.com/en-us/microsoft-365/security/office-365-security/anti-spam-message-headers
  public parse(report: string): void {
    this.sourceInternal = report
    if (!report) {
      return
    }

    // Sometimes we see extraneous (null) in the report. They look like this: UIP:(null);(null);(null)SFV:SKI
    // First pass: Remove the (null).
    report = report.replace(/\(null\)/g, '')

    // Occasionally, we find the final ; is missing.
    // Second pass: Add one. If it is extraneous, the next pass will remove it.
    report = report + ';'

    // Removing the (null) can leave consecutive ; which confound later parsing.
    // Third pass: Collapse them.
    report = report.replace(/;+/g, ';')

    const lines = report.match(/(.*?):(.*?);/g)
    this.unparsedInternal = ''
    if (lines) {
      for (let iLine = 0; iLine < lines.length; iLine++) {
        const line = lines[iLine]?.match(/(.*?):(.*?);/m)
        if (line && line[1]) {
          if (line[2] === undefined || !this.setRowValue(this.rows, line[1], line[2])) {
            this.unparsedInternal += line[1] + ':' + line[2] + ';'
          }
        }
      }
    }

    this.setRowValue(this.rows, 'source', this.sourceInternal)
    this.setRowValue(this.rows, 'unparsed', this.unparsedInternal)
  }

  public addInternal(report: string): void {
    this.parse(report)
  }
  public add(header: Header): boolean {
    if (header.header.toUpperCase() === 'X-Microsoft-Antispam'.toUpperCase()) {
      this.parse(header.value)
      return true
    }

    return false
  }

  public override exists(): boolean {
    return this.existsInternal(this.rows)
  }

  public get source(): string {
    return this.sourceInternal
  }
  public get unparsed(): string {
    return this.unparsedInternal
  }
  public override toString(): string {
    if (!this.exists()) return ''
    const ret = ['AntiSpamReport']
    this.rows.forEach(function (row) {
      if (row.value) {
        ret.push(row.toString())
      }
    })
    return ret.join('\n')
  }
}
