/* eslint-disable */
// @ts-nocheck
/*
 * Copied from github.com/microsoft/MHA (853125142de88a175435ff820f47b77c423615e2), src/Scripts/row/ForefrontAntispam.ts, for the benchmark peer
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
import { AntiSpamReport } from './Antispam.js'
import { Header } from './Header.js'
import { Row } from './Row.js'

export class ForefrontAntiSpamReport extends AntiSpamReport {
  public override readonly tableName: string = 'forefrontAntiSpamReport'
  public override readonly displayName: string = mhaStrings.mhaForefrontAntiSpamReport
  public override readonly tag: string = 'FFAS'
  private forefrontAntiSpamRows: Row[] = [
    new Row('ARC', mhaStrings.mhaArc, 'X-Forefront-Antispam-Report'),
    new Row('CTRY', mhaStrings.mhaCountryRegion, 'X-Forefront-Antispam-Report'),
    new Row('LANG', mhaStrings.mhaLang, 'X-Forefront-Antispam-Report'),
    new Row('SCL', mhaStrings.mhaScl, 'X-MS-Exchange-Organization-SCL'),
    new Row('PCL', mhaStrings.mhaPcl, 'X-Forefront-Antispam-Report'),
    new Row('SFV', mhaStrings.mhaSfv, 'X-Forefront-Antispam-Report'),
    new Row('IPV', mhaStrings.mhaIpv, 'X-Forefront-Antispam-Report'),
    new Row('H', mhaStrings.mhaHelo, 'X-Forefront-Antispam-Report'),
    new Row('PTR', mhaStrings.mhaPtr, 'X-Forefront-Antispam-Report'),
    new Row('CIP', mhaStrings.mhaCip, 'X-Forefront-Antispam-Report'),
    new Row('CAT', mhaStrings.mhaCat, 'X-Forefront-Antispam-Report'),
    new Row('SFTY', mhaStrings.mhaSfty, 'X-Forefront-Antispam-Report'),
    new Row('SRV', mhaStrings.mhaSrv, 'X-Forefront-Antispam-Report'),
    new Row('X-CustomSpam', mhaStrings.mhaCustomSpam, 'X-Forefront-Antispam-Report'),
    new Row('SFS', mhaStrings.mhaSfs, 'X-Forefront-Antispam-Report'),
    new Row('source', mhaStrings.mhaSource, 'X-Forefront-Antispam-Report'),
    new Row('unparsed', mhaStrings.mhaUnparsed, 'X-Forefront-Antispam-Report'),
  ]

  public override add(header: Header): boolean {
    if (header.header.toUpperCase() === 'X-Forefront-Antispam-Report'.toUpperCase()) {
      this.parse(header.value)
      return true
    }

    return false
  }

  public override get rows(): Row[] {
    return this.forefrontAntiSpamRows
  }
  public override toString(): string {
    if (!this.exists()) return ''
    const ret = ['ForefrontAntiSpamReport']
    this.rows.forEach(function (row) {
      if (row.value) {
        ret.push(row.toString())
      }
    })
    return ret.join('\n')
  }
}
