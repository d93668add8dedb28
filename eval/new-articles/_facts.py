import json
A = []  # (doc_id, note, [evidence], [facts])
def a(doc, note, ev, facts): A.append((doc, note, ev if isinstance(ev, list) else [ev], facts))

d = "lincolnshire-pharmacy-blood-pressure-2023"
a(d, "pharmacy count for the east Lincs walk-in BP test: at launch vs now", "started in February 2022 in 23 pharmacies and now runs in 41 pharmacies", ["23", "41"])
a(d, "how many people did the Lincolnshire pharmacy BP checks flag up with raised readings in year one", "2,900 were found to have a reading that suggested high blood pressure", ["2,900|2900"])
a(d, "Lincolnshire: how quickly can you get a 24-hour BP monitor through the pharmacy, and what was the wait via the GP before", ["Before the scheme, patients who needed ambulatory monitoring waited an average of five weeks", "Pharmacies now fit a monitor within three working days"], ["three working days|3 working days", "five weeks|5 weeks"])
a(d, "price tag of year one of the Lincs pharmacy blood pressure scheme", "The first year of the scheme cost £312,000", ["£312,000|312,000|£312k"])
a(d, "next towns due to get the Lincolnshire pharmacy BP checks", "The scheme will be extended to Grantham, Sleaford and Spalding", ["Grantham", "Sleaford", "Spalding"])

d = "doncaster-crisis-cafe-2022"
a(d, "what hours is the Doncaster crisis cafe open", "The café is open from 6pm to midnight every day of the year", ["6pm", "midnight"])
a(d, "Doncaster Royal Infirmary: average monthly mental health crisis A&E attendances before vs after the cafe opened", "fell from an average of 212 a month in the year before the café opened to 157 a month", ["212", "157"])
a(d, "yearly running cost of the Lantern Cafe and who funds it", "The café costs £420,000 a year to run and is funded by NHS South Yorkshire Integrated Care Board", ["£420,000|420,000|£420k", "South Yorkshire"])
a(d, "where is Doncaster's second crisis cafe planned, and roughly when", "A second café, in Mexborough, is expected to open in early 2023", ["Mexborough", "early 2023"])
a(d, "voluntary sector partner behind the Doncaster crisis cafe", "It is run by the charity Don Valley Mind", ["Don Valley Mind"])

d = "shropshire-frailty-virtual-ward-board-2022"
a(d, "Shropshire frailty virtual ward: bed numbers in year one and the size it wants to grow to", ["admitted 1,146 patients to 40 virtual beds", "from 40 to 60 beds"], ["40", "60"])
a(d, "Shropshire frailty virtual ward - 30 day readmission rate, baseline year vs first year", "30-day readmission rate | 18.3% | 12.9%", ["18.3%", "12.9%"])
a(d, "Shropshire: mean length of stay in the hospital frailty unit, baseline year vs year one of the virtual ward", "Average length of stay, acute frailty unit | 9.4 days | 6.1 days", ["9.4 days|9.4", "6.1 days|6.1"])
a(d, "date the Shropshire virtual ward took its first patient", "The frailty virtual ward began admitting patients on 1 April 2021", ["1 April 2021|April 2021"])
a(d, "how was the £2.3m frailty virtual ward bill split between national and local money (Shropshire)", "funded by £1.5 million of national virtual ward funding and £0.8 million from the Shropshire system", ["£1.5 million|1.5 million|£1.5m", "£0.8 million|0.8 million|£0.8m"])

d = "carlisle-heart-failure-nursing-board-2023"
a(d, "north Cumbria heart failure: days from discharge to first nurse review, old vs new", "Wait for first nurse review after discharge | 21 days | 6 days", ["21 days|21", "6 days|6"])
a(d, "number of home intravenous diuretic courses given by the Cumbria heart failure nurses", "Courses of IV diuretics given at home | 0 | 87", ["87"])
a(d, "where do the north Cumbria heart failure nurses run their community clinics", "Carlisle, Penrith, Brampton and Wigton", ["Carlisle", "Penrith", "Brampton", "Wigton"])
a(d, "what would an additional heart failure nurse for Workington cost per year", "would cost £52,000 a year", ["£52,000|52,000|£52k"])
a(d, "author of the Cumbria community heart failure board report", "Report author: Sarah Lowther, Lead Heart Failure Nurse Specialist", ["Sarah Lowther"])

d = "calderdale-msk-physio-self-referral-evaluation-2021"
a(d, "Calderdale physio: how long people typically waited to be seen initially, before and after patients could book themselves in", "The average wait for a first appointment fell from 14 weeks to 3 weeks", ["14 weeks", "3 weeks|three weeks"])
a(d, "what share of Calderdale physio referrals came straight from patients", "6,210 of these referrals (63%) came directly from patients", ["63%|63 per cent|6,210"])
a(d, "how many GP appointments were freed by Calderdale physio self-referral", "freeing an estimated 7,400 GP appointments in the year", ["7,400|7400"])
a(d, "go-live date of Calderdale's physio self-referral", "Self-referral launched on 1 October 2020", ["1 October 2020|October 2020"])
a(d, "one-off set-up spend for the Calderdale physio online form and phone line", "at a one-off cost of £38,000", ["£38,000|38,000|£38k"])

d = "breckland-social-prescribing-evaluation-2022"
a(d, "Breckland social prescribing: number of link workers and number of GP surgeries they serve", ["11 link workers are employed across four primary care networks", "serving 26 GP practices"], ["11|eleven", "26"])
a(d, "Breckland link worker referrals in 2021", "3,480 people were referred to a link worker in 2021", ["3,480|3480"])
a(d, "wellbeing score shift for people helped by Breckland link workers", "Average wellbeing scores rose from 38.2 to 45.6", ["38.2", "45.6"])
a(d, "typical wait before a first chat with a Breckland link worker", "People waited an average of nine days for their first conversation with a link worker", ["nine days|9 days"])
a(d, "name of the lead link worker in Thetford", "Amira Osei, lead link worker for Thetford", ["Amira Osei"])

d = "worcester-community-glaucoma-clinics"
a(d, "number of optician practices running Worcestershire glaucoma monitoring, and their towns", "It now runs from four high street practices in Worcester, Kidderminster, Evesham and Malvern", ["four|4", "Worcester", "Kidderminster", "Evesham", "Malvern"])
a(d, "glaucoma follow-up price in Worcestershire: community optometrist vs hospital outpatients", "Each community visit costs £62, compared with £108 for a hospital outpatient follow-up", ["£62", "£108"])
a(d, "what proportion of Worcestershire community glaucoma patients got sent back to the hospital", "Community patients referred back to hospital - 7%", ["7%"])
a(d, "when did community glaucoma checks begin in Worcestershire", "launched in October 2013", ["October 2013"])
a(d, "when was the Worcestershire glaucoma news story published", "Published: 18 August 2015", ["18 August 2015"])

d = "stoke-childrens-asthma-outreach"
a(d, "Stoke-on-Trent child asthma admissions: year before outreach nurses vs first year", "fell from 318 in 2017 to 214 in 2018", ["318", "214"])
a(d, "count of Stoke primary schools signed up as asthma friendly", "So far 38 primary schools in Stoke-on-Trent have signed up", ["38"])
a(d, "Stoke kids using inhalers properly: at first nurse visit vs at follow-up", "only 29 per cent of children were using their inhaler correctly; at their follow-up visit, 82 per cent were", ["29", "82"])
a(d, "how much money backs the Stoke asthma outreach and over what period", "The service is funded with £260,000 over two years", ["£260,000|260,000", "two years|2 years"])
a(d, "publication date of the Stoke children's asthma news piece", "Published: 14 November 2019", ["14 November 2019"])

d = "swindon-teledermatology-triage"
a(d, "Swindon routine dermatology wait before vs after photo triage", "Routine wait for a first dermatology appointment 22 weeks 9 weeks", ["22 weeks", "9 weeks"])
a(d, "how many skin referrals did Swindon triage by photo in the first year", "the service triaged 3,860 referrals", ["3,860|3860"])
a(d, "unit price of the smartphone dermatoscope given to each Swindon practice", "Each practice was given a dermatoscope at a cost of £450", ["£450"])
a(d, "areas that might get Swindon's skin photo triage next", "offer the same service to practices in Marlborough and north Wiltshire", ["Marlborough", "north Wiltshire"])
a(d, "Swindon: how many days suspected skin cancers waited for an appointment, pre- and post-photo triage", "Average wait to be seen on the skin cancer pathway 13 days 8 days", ["13 days|13", "8 days|8"])

d = "cornwall-hospital-at-home-iv-antibiotics-2021"
a(d, "Cornwall home IV antibiotics: patient numbers in the first year", "412 patients were treated at home during the year", ["412"])
a(d, "hospital bed days freed by the Cornwall IV-at-home team", "In total, 6,180 hospital bed days were saved", ["6,180|6180"])
a(d, "Cornwall: daily cost of IV treatment at home compared with an acute bed day", "A day of treatment at home costs around £95, compared with £420 for a day in an acute hospital bed", ["£95", "£420"])
a(d, "how many patients Cornwall hopes to treat at home in 2022", "The trust expects to treat around 600 patients in 2022", ["600"])
a(d, "Cornish community hospitals offering daily IV clinics for people who can travel", "community hospitals in Camborne, Bodmin and St Austell", ["Camborne", "Bodmin", "St Austell"])

d = "wakefield-pharmacy-anticoagulation-2019"
a(d, "how many high street pharmacies do INR testing in the Wakefield district", "moved to 14 community pharmacies", ["14|fourteen"])
a(d, "Wakefield warfarin patients - share of time in target INR range, hospital clinic vs pharmacy", "Time in therapeutic range 61% 72%", ["61%", "72%"])
a(d, "yearly saving from moving Wakefield anticoagulation checks into pharmacies", "a saving of £136,000 a year", ["£136,000|136,000|£136k"])
a(d, "Wakefield: hospital admissions for warfarin bleeds before vs after the switch", "Admissions for bleeding on warfarin 41 29", ["41", "29"])
a(d, "fee Wakefield pharmacies receive for each INR check", "Each pharmacy is paid £14 per test", ["£14"])

d = "scarborough-falls-prevention-news"
a(d, "number of people who completed the Scarborough-area strength and balance course", "So far 480 people have completed", ["480"])
a(d, "reduction in falls among people finishing the Steady Steps course", "falls dropped by 36 per cent", ["36%|36 per cent"])
a(d, "who heads the Scarborough falls prevention team", "team lead and physiotherapist Gemma Rowntree", ["Gemma Rowntree"])

d = "kendal-leg-ulcer-news"
a(d, "Kendal: proportion of leg ulcers healed within 12 weeks, old approach vs clinic", ["only 32 per cent of ulcers had healed within 12 weeks", "At the clinic the figure is now 68 per cent"], ["32", "68"])
a(d, "typical leg ulcer healing time in Kendal now, and before", "the average time to heal has fallen from 33 weeks to 11 weeks", ["11 weeks", "33 weeks"])
a(d, "annual dressing cost reduction for the Kendal district nurses", "the team is spending £48,000 a year less on dressings", ["£48,000|48,000|£48k"])

d = "blackpool-urgent-community-response-2021"
a(d, "according to the original announcement, when was Blackpool's two-hour community response team meant to begin", ["The new urgent community response team is expected to start in spring 2022", "expected to take its first calls in April 2022"], ["spring 2022|April 2022"])
a(d, "team size planned for the Fylde coast urgent response service when it was announced", "The team will be made up of 28 staff", ["28"])
a(d, "forecast of hospital admissions the Blackpool rapid response team would prevent annually", "to prevent up to 1,200 hospital admissions a year", ["1,200|1200"])

d = "blackpool-urgent-community-response-2023"
a(d, "actual launch date of the Fylde coast urgent community response team", "started on 4 April 2022", ["4 April 2022"])
a(d, "patients seen by the Blackpool urgent response team in year one", "the team saw 4,310 patients", ["4,310|4310"])
a(d, "Blackpool UCR: share reached inside the two-hour standard, and mean response time", ["met this for 81 per cent of patients", "average response time of 1 hour 24 minutes"], ["81%|81 per cent", "1 hour 24 minutes|84 minutes"])
a(d, "current headcount of the Blackpool urgent community response team", "now has 34 staff", ["34"])
a(d, "Blackpool UCR first-year spend compared with the original budget", ["The service cost £1.9 million in its first year", "more than the £1.6 million originally set aside"], ["£1.9 million|1.9 million|£1.9m", "£1.6 million|1.6 million|£1.6m"])

d = "ipswich-copd-rehab-leisure-centres-2019"
a(d, "towns with leisure centres hosting east Suffolk COPD rehab", "Orwell Road Leisure Centre in Ipswich, the Seafront Leisure Centre in Felixstowe and Stowmarket Leisure Centre", ["Ipswich|Orwell Road", "Felixstowe", "Stowmarket"])
a(d, "Ipswich pulmonary rehab: wait for a place in hospital days vs leisure centre", "The wait for a place has come down from 26 weeks to seven weeks", ["26 weeks", "seven weeks|7 weeks"])
a(d, "COPD rehab completion rate in east Suffolk, before and after the move", "has risen from 48 per cent to 74 per cent", ["48", "74"])
a(d, "per-patient cost of Ipswich pulmonary rehab at leisure centres versus at the hospital", "costs about £580 per patient, compared with £720 in the hospital setting", ["£580", "£720"])
a(d, "where the east Suffolk rehab programme plans a fourth site", "a fourth leisure centre, in Woodbridge", ["Woodbridge"])

d = "hereford-care-home-support-team-2018"
a(d, "number of care homes covered by the Herefordshire support team", "It works with 42 care homes", ["42"])
a(d, "emergency admissions from Herefordshire care homes, year before the team vs its first year", "fell from 1,015 in the year before the team started to 782 in its first year", ["1,015|1015", "782"])
a(d, "Herefordshire care homes: medication reviews done and resulting prescribing saving", ["carried out 1,240 medication reviews during the year", "saving around £98,000 a year on prescribing"], ["1,240|1240", "£98,000|98,000|£98k"])
a(d, "name of the GP in the Herefordshire care home team", "Dr Andrew Llewellyn, the team's GP", ["Andrew Llewellyn"])

U = [
 ("set-up or running cost of the Kendal leg ulcer clinic", "the Kendal item gives only the dressings saving, no cost for the clinic"),
 ("when the Kendal weekly leg ulcer clinic started", "the Kendal news item carries no dates at all"),
 ("opening hours of Rotherham's evening crisis cafe", "only Doncaster (and a planned Mexborough cafe) are covered; Rotherham is never mentioned"),
 ("number of patients on the Shropshire frailty virtual ward in 2022/23", "the board paper reports only 2021/22 and the 2019/20 baseline"),
 ("annual budget of the Scarborough Steady Steps falls team", "the falls item gives no cost or funding"),
 ("waiting time for community glaucoma checks in Bromsgrove", "Bromsgrove is only mentioned as a planned fifth practice; no figures"),
 ("number of teenagers seen by Stoke asthma nurses in secondary schools", "the trust is only looking at extending to teenagers; no numbers"),
 ("physio self-referral wait in Kirklees", "Kirklees is named as not yet having self-referral; no wait given"),
 ("how many pharmacies in Grantham alone will do the blood pressure checks", "only a combined 30 for Grantham, Sleaford and Spalding is given"),
 ("results of the Wakefield pharmacy pilot for newer anticoagulants (DOACs)", "the pilot was only expected to begin in autumn 2019; no results"),
 ("fall in heart failure emergency admissions in Workington", "Workington has no access to the team yet; only a proposed nurse and caseload are given"),
 ("admissions avoided by the Blackpool urgent response team in its second year", "only the first year (and the earlier forecast) is reported"),
 ("number of Isles of Scilly patients given IV antibiotics at home", "Scilly is only being explored; no patients or figures"),
 ("total annual running cost of Swindon's teledermatology service", "only the per-practice dermatoscope price and savings are given"),
 ("falls prevention classes in Ipswich", "the Ipswich article is about COPD rehab; falls prevention is described only for the Scarborough area"),
 ("virtual ward for frail older people in Carlisle", "Carlisle's article is about heart failure nurses; the frailty virtual ward is in Shropshire"),
 ("Breckland link worker referral numbers for 2022", "only 2020 and 2021 referrals are given"),
 ("effect of the Herefordshire care home team on the number of falls", "falls are only mentioned as a training topic; no falls figures"),
 ("Cornwall hospital-at-home readmission rate before the service existed", "only the 6% during-course readmission rate is given, with no baseline"),
 ("date the Scarborough falls team was set up", "the Scarborough item is undated"),
]

with open("/tmp/blind/new-articles-facts.jsonl", "w", encoding="utf-8") as f, open("/tmp/blind/new-articles-notes-only.txt", "w", encoding="utf-8") as g:
    for i, (doc, note, ev, facts) in enumerate(A, 1):
        nid = f"na{i:03d}"
        f.write(json.dumps(dict(nid=nid, doc_id=doc, note=note, evidence=ev, facts=facts), ensure_ascii=False) + "\n")
        g.write(f"{nid}\t{note}\n")
    for i, (note, why) in enumerate(U, 1):
        nid = f"nu{i:03d}"
        f.write(json.dumps(dict(nid=nid, doc_id=None, note=note, why=why), ensure_ascii=False) + "\n")
        g.write(f"{nid}\t{note}\n")
print(len(A), len(U))
