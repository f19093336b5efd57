/* eslint-disable */
// @ts-nocheck
/*
 * Copied from github.com/microsoft/MHA (853125142de88a175435ff820f47b77c423615e2), src/Scripts/row/ReceivedRow.ts, for the benchmark peer
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
import { ReceivedField } from './ReceivedField.js'

export class ReceivedRow {
  constructor(receivedHeader: string | null) {
    this.sourceHeader = new ReceivedField('', receivedHeader)
    this.hop = new ReceivedField(mhaStrings.mhaReceivedHop)
    this.from = new ReceivedField(mhaStrings.mhaReceivedFrom)
    this.by = new ReceivedField(mhaStrings.mhaReceivedBy)
    this.with = new ReceivedField(mhaStrings.mhaReceivedWith)
    this.id = new ReceivedField(mhaStrings.mhaReceivedId)
    this.for = new ReceivedField(mhaStrings.mhaReceivedFor)
    this.via = new ReceivedField(mhaStrings.mhaReceivedVia)
    this.date = new ReceivedField(mhaStrings.mhaReceivedDate)
    this.delay = new ReceivedField(mhaStrings.mhaReceivedDelay)
    this.percent = new ReceivedField(mhaStrings.mhaReceivedPercent, 0)
    this.delaySort = new ReceivedField('', -1)
    this.dateNum = new ReceivedField('')
  }
  [index: string]:
    ReceivedField | ((fieldName: string, fieldValue: string) => void) | (() => string)
  sourceHeader: ReceivedField
  hop: ReceivedField
  from: ReceivedField
  by: ReceivedField
  with: ReceivedField
  id: ReceivedField
  for: ReceivedField
  via: ReceivedField
  date: ReceivedField
  delay: ReceivedField
  percent: ReceivedField
  delaySort: ReceivedField
  dateNum: ReceivedField

  setField(fieldName: string, fieldValue: string) {
    if (!fieldName || !fieldValue) {
      return
    }

    const field = this[fieldName.toLowerCase()] as unknown as ReceivedField
    if (!field) return

    if (field.value) {
      field.value += '; ' + fieldValue
    } else {
      field.value = fieldValue
    }
  }

  toString(): string {
    const str: string[] = []
    for (const key in this) {
      const field = this[key] as ReceivedField
      if (field && field.label && field.toString()) {
        str.push(field.label + ': ' + field.toString())
      }
    }

    return str.join('\n')
  }
}
