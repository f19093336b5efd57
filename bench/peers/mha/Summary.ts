/* eslint-disable */
// @ts-nocheck
/*
 * Copied from github.com/microsoft/MHA (853125142de88a175435ff820f47b77c423615e2), src/Scripts/Summary.ts, for the benchmark peer
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
import { mhaStrings } from './mhaStrings.js'
import { ArchivedRow } from './row/ArchivedRow.js'
import { CreationRow } from './row/CreationRow.js'
import { Header } from './row/Header.js'
import { Row } from './row/Row.js'
import { SummaryRow } from './row/SummaryRow.js'
import { SummaryTable } from './table/SummaryTable.js'

export class Summary extends SummaryTable {
  public readonly tableName: string = 'summary'
  public readonly displayName: string = mhaStrings.mhaSummary
  public readonly tag: string = 'SUM'
  private totalTimeInternal = ''

  private creationPostFix(totalTime: string): string {
    if (!totalTime) {
      return ''
    }

    return ` ${mhaStrings.mhaDeliveredStart} ${totalTime}${mhaStrings.mhaDeliveredEnd}`
  }

  private dateRow = new CreationRow('Date', mhaStrings.mhaCreationTime)

  private archivedRow = new ArchivedRow('Archived-At', mhaStrings.mhaArchivedAt)

  private summaryRows: SummaryRow[] = [
    new SummaryRow('Subject', mhaStrings.mhaSubject),
    new SummaryRow('Message-ID', mhaStrings.mhaMessageId),
    this.archivedRow,
    this.dateRow,
    new SummaryRow('From', mhaStrings.mhaFrom),
    new SummaryRow('Reply-To', mhaStrings.mhaReplyTo),
    new SummaryRow('To', mhaStrings.mhaTo),
    new SummaryRow('CC', mhaStrings.mhaCc),
  ]

  public override exists(): boolean {
    let row: Row | undefined
    this.rows.forEach((r: Row) => {
      if (!row && r.value) row = r
    })
    return row !== undefined
  }

  public add(header: Header) {
    if (!header) {
      return false
    }

    let row: SummaryRow | undefined
    this.rows.forEach((r: Row) => {
      if (!row && r.header.toUpperCase() === header.header.toUpperCase()) row = r
    })
    if (row) {
      row.value = header.value
      return true
    }

    return false
  }

  public get rows(): SummaryRow[] {
    return this.summaryRows
  }
  public get totalTime(): string {
    return this.totalTimeInternal
  }
  public set totalTime(value: string) {
    this.totalTimeInternal = value
    this.dateRow.postFix = this.creationPostFix(value)
  }

  public override toString(): string {
    if (!this.exists()) return ''
    const ret = ['Summary']
    this.rows.forEach(function (row) {
      if (row.value) {
        ret.push(row.toString())
      }
    })
    return ret.join('\n')
  }
}
