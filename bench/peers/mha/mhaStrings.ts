/* eslint-disable */
// @ts-nocheck
/*
 * Copied from github.com/microsoft/MHA (853125142de88a175435ff820f47b77c423615e2), src/Scripts/mhaStrings.ts, for the benchmark peer
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
export const mhaStrings = {
  // REST
  mhaLoading: 'Loading...',
  mhaRequestSent: 'Retrieving headers from server.',
  mhaFoundHeaders: 'Found headers',
  mhaProcessingHeader: 'Processing header',
  mhaHeadersMissing:
    'Message was missing transport headers. If this is a sent item this may be expected.',
  mhaMessageMissing: 'Message not located.',
  mhaRequestFailed: 'Failed to retrieve headers.',

  // Status Messages for Actions
  mhaAnalyzed: 'Headers analyzed successfully',
  mhaCleared: 'Headers cleared',
  mhaCopied: 'Copied to clipboard!',
  mhaNoHeaders: 'Please enter headers to analyze',
  mhaNothingToCopy: 'No analysis results to copy',

  // Headers
  mhaNegative: '-',
  mhaMinute: 'minute',
  mhaMinutes: 'minutes',
  mhaSecond: 'second',
  mhaSeconds: 'seconds',
  mhaSummary: 'Summary',
  mhaPrompt: 'Insert the message header you would like to analyze',
  mhaReceivedHeaders: 'Received headers',
  mhaForefrontAntiSpamReport: 'Forefront Antispam Report Header',
  mhaAntiSpamReport: 'Microsoft Antispam Header',
  mhaOtherHeaders: 'Other headers',
  mhaOriginalHeaders: 'Original headers',
  mhaDeliveredStart: '(Delivered after',
  mhaDeliveredEnd: ')',
  mhaParsingHeaders: 'Parsing headers to tables',
  mhaProcessingReceivedHeader: 'Processing received header ',

  // Summary
  mhaSubject: 'Subject',
  mhaMessageId: 'Message Id',
  mhaCreationTime: 'Creation time',
  mhaFrom: 'From',
  mhaReplyTo: 'Reply to',
  mhaTo: 'To',
  mhaCc: 'Cc',
  mhaArchivedAt: 'Archived at',

  // Received
  mhaReceivedHop: 'Hop',
  mhaReceivedSubmittingHost: 'Submitting host',
  mhaReceivedReceivingHost: 'Receiving host',
  mhaReceivedTime: 'Time',
  mhaReceivedDelay: 'Delay',
  mhaReceivedType: 'Type',
  mhaReceivedFrom: 'From',
  mhaReceivedBy: 'By',
  mhaReceivedWith: 'With',
  mhaReceivedId: 'Id',
  mhaReceivedFor: 'For',
  mhaReceivedVia: 'Via',
  mhaReceivedDate: 'Date',
  mhaReceivedPercent: 'Percent',

  // Other
  mhaNumber: '#',
  mhaHeader: 'Header',
  mhaValue: 'Value',

  // ForefrontAntiSpamReport
  mhaSource: 'Source header',
  mhaUnparsed: 'Unknown fields',
  mhaArc: 'ARC protocol',
  mhaCountryRegion: 'Country/Region',
  mhaLang: 'Language',
  mhaScl: 'Spam Confidence Level',
  mhaSfv: 'Spam Filtering Verdict',
  mhaPcl: 'Phishing Confidence Level',
  mhaIpv: 'IP Filter Verdict',
  mhaHelo: 'HELO/EHLO String',
  mhaPtr: 'PTR Record',
  mhaCip: 'Connecting IP Address',
  mhaCat: 'Protection Policy Category',
  mhaSfty: 'Phishing message',
  mhaSrv: 'Bulk email status',
  mhaCustomSpam: 'Advanced Spam Filtering',
  mhaSfs: 'Spam rules',

  // AntiSpamReport
  mhaBcl: 'Bulk Complaint Level',
}
