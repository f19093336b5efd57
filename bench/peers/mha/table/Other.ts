/* eslint-disable */
// @ts-nocheck
/*
 * Copied from github.com/microsoft/MHA (853125142de88a175435ff820f47b77c423615e2), src/Scripts/table/Other.ts, for the benchmark peer
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
import { DataTable } from './DataTable.js'
import { mhaStrings } from '../mhaStrings.js'
import { Header } from '../row/Header.js'
import { OtherRow } from '../row/OtherRow.js'

export class Other extends DataTable {
  private otherRows: OtherRow[] = []
  protected sortColumnInternal = 'number'
  protected sortOrderInternal = 1
  public readonly tableName: string = 'otherHeaders'
  public readonly displayName: string = mhaStrings.mhaOtherHeaders

  public get rows(): OtherRow[] {
    return this.otherRows
  }

  public override doSort(col: string): void {
    if (this.sortColumnInternal === col) {
      this.sortOrderInternal *= -1
    } else {
      this.sortColumnInternal = col
      this.sortOrderInternal = 1
    }

    if (this.rows[0] && this.sortColumnInternal + 'Sort' in this.rows[0]) {
      col = col + 'Sort'
    }

    this.rows.sort((a: OtherRow, b: OtherRow) => {
      return (
        this.sortOrderInternal *
        ((a[col] as string | number) < (b[col] as string | number) ? -1 : 1)
      )
    })
  }

  public add(header: Header): boolean {
    if (header.header || header.value) {
      this.rows.push(new OtherRow(this.rows.length + 1, header.header, header.value))
      return true
    }

    return false
  }

  public override exists() {
    return this.rows.length > 0
  }

  public override toString() {
    if (!this.exists()) return ''
    const ret: string[] = ['Other']
    this.rows.forEach(function (row) {
      if (row.value) {
        ret.push(row.value)
      }
    })
    return ret.join('\n')
  }
}
