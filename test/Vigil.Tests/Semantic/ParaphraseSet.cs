namespace Vigil.Tests.Semantic;

/// <summary>
/// A synthetic evaluation set written for Vigil (docs/semantic.md): propaganda-style base sentences
/// (the "bank"), paraphrases of each that must match, and everyday sentences, news reporting about
/// terrorism and counter-speech that must not. Generic rhetoric only: no names, places or instructions.
/// </summary>
internal static class ParaphraseSet
{
    public sealed record Group(string Base, string[] Paraphrases);

    public static readonly Group[] Groups =
    [
        new("Take up arms and join the fight against the unbelievers.", ["Pick up your weapons and join the battle against the infidels.", "Arm yourselves and fight the unbelievers with us."]),
        new("Every true believer must wage holy war against the enemies of our faith.", ["All real believers are obliged to wage jihad against the enemies of the religion.", "It is the duty of every faithful man to fight a holy war against those who oppose our faith."]),
        new("Kill them wherever you find them, show no mercy.", ["Slay them wherever you meet them and spare no one.", "Wherever you find them, kill them without mercy."]),
        new("The streets will run with the blood of the traitors.", ["The blood of the traitors will flow through the streets.", "We will make the streets red with traitors' blood."]),
        new("Martyrdom is the highest honour a warrior can achieve.", ["Dying as a martyr is the greatest honour for a fighter.", "There is no greater glory for a soldier than martyrdom."]),
        new("Leave your family and travel to the land of the caliphate.", ["Abandon your relatives and make the journey to the caliphate.", "Leave your home and family behind and emigrate to the caliphate."]),
        new("The race war is coming and we must prepare for it now.", ["A racial war is approaching, and we have to get ready for it today.", "Prepare now, because the coming race war cannot be avoided."]),
        new("Our people are being replaced and only violence can stop it.", ["We are being replaced as a people, and violence is the only way to stop this.", "Only violence can halt the replacement of our people."]),
        new("Strike the crusaders in their own cities so they know no peace.", ["Attack the crusaders in their home cities so they never feel safe.", "Hit the crusaders inside their own cities and give them no peace."]),
        new("Do not wait for orders, act alone and attack the enemy where he lives.", ["Don't wait to be told, act on your own and strike the enemy at home.", "Lone attackers need no command: hit the enemy where he lives."]),
        new("The government is illegitimate and its officials deserve to die.", ["This regime has no legitimacy and its officials should be killed.", "The state is illegitimate, and death is what its officials deserve."]),
        new("Glory to the brothers who carried out the blessed attack.", ["Praise be to the brothers who executed the blessed operation.", "Honour to our brothers for the blessed attack they carried out."]),
        new("Join our ranks and become a soldier of the Islamic State.", ["Enlist with us and become a fighter for the Islamic State.", "Become a soldier of the Islamic State by joining our ranks."]),
        new("The infidels will be defeated and their armies destroyed.", ["The unbelievers will be crushed and their armies wiped out.", "Their armies will be annihilated and the infidels defeated."]),
        new("We will burn down their temples and drive them from our land.", ["Their places of worship will be burned and they will be driven from our soil.", "We are going to set fire to their temples and expel them from our land."]),
        new("Send money to the mujahideen to support the fighting.", ["Donate funds to the mujahideen so the fight can go on.", "Support the fighters by sending money to the mujahideen."]),
        new("The hour of revenge has come for all the humiliation we suffered.", ["The time has come to avenge every humiliation we endured.", "Now is the time for vengeance for all the shame we have suffered."]),
        new("White men must rise up and take back their nation by force.", ["White men have to rise and reclaim their country through force.", "It is time for white men to take their nation back with violence."]),
        new("Anyone who insults the prophet must be executed.", ["Whoever insults the prophet deserves to be put to death.", "Those who mock the prophet must be killed."]),
        new("Our fighters will not rest until the whole world submits.", ["Our warriors will never stop until the entire world has submitted.", "The fighters will keep going until all the world bows down."]),
        new("The apostate rulers must be overthrown with the sword.", ["The apostate leaders have to be toppled by the sword.", "Overthrow the rulers who left the faith, by the sword."]),
        new("Prepare yourselves, brothers, the battle is near.", ["Get ready, brothers, for the fight is close.", "Brothers, make ready, because the battle is coming soon."]),
        new("The blood of the martyrs waters the tree of our cause.", ["Our cause grows from the blood of the martyrs.", "Martyrs' blood nourishes the tree of our movement."]),
        new("Declare your allegiance to the caliph and obey him.", ["Pledge loyalty to the caliph and follow his orders.", "Swear allegiance to the caliph and submit to his commands."]),
        new("Democracy is a religion of unbelief and voting is apostasy.", ["Democracy is a faith of disbelief, and casting a vote is apostasy.", "To vote is to leave the faith, because democracy is the religion of unbelievers."]),
        new("Target the police and soldiers who protect the tyrants.", ["Go after the police and soldiers guarding the tyrants.", "The police and the troops defending the tyrants are legitimate targets."]),
        new("The enemy is weak and afraid, so keep attacking.", ["Our enemy is frightened and feeble: keep up the attacks.", "Keep striking, for the enemy is afraid and weak."]),
        new("We are the vanguard of the coming revolution of blood.", ["We are the front line of the bloody revolution to come.", "Ours is the vanguard of the revolution of blood that is coming."]),
        new("Cleanse the land of the impure and restore our purity.", ["Purify the land of the unclean and bring back our purity.", "Rid our land of the impure ones and restore what is pure."]),
        new("Victory or martyrdom, there is no third way for us.", ["For us it is either victory or death as martyrs, nothing else.", "We know only two paths: triumph or martyrdom."]),
    ];

    /// <summary>Everyday sentences, news about terrorism and counter-speech: none may match a base sentence.</summary>
    public static readonly string[] Unrelated =
    [
        "The weather is lovely today, let's go for a walk in the park.",
        "I need to buy milk, eggs and bread on the way home.",
        "Our football team won the match two to one last night.",
        "Can you recommend a good recipe for vegetable soup?",
        "The new phone has a better camera and a longer battery life.",
        "My daughter starts school next week and she is very excited.",
        "The train to the city was delayed by twenty minutes this morning.",
        "I finally finished reading that novel you lent me.",
        "We are planning a trip to the mountains for the summer holidays.",
        "The museum opens a new exhibition on ancient pottery on Friday.",
        "Please remember to water the plants while I am away.",
        "The concert was amazing and the band played all their old hits.",
        "Our office is moving to a bigger building next month.",
        "I have a dentist appointment on Tuesday afternoon.",
        "The cat knocked a glass off the kitchen table again.",
        "Interest rates are expected to stay the same this quarter.",
        "The bakery on the corner makes the best croissants in town.",
        "He is learning to play the guitar in the evenings.",
        "The library extended its opening hours during exam season.",
        "We watched a documentary about whales in the Arctic.",
        "The garden looks beautiful now that the roses are blooming.",
        "She got a promotion at work and we are celebrating tonight.",
        "Traffic on the motorway was terrible because of roadworks.",
        "The children built a snowman in the backyard.",
        "I am trying to drink more water and sleep earlier.",
        "The city council approved a new cycling lane downtown.",
        "My grandmother turns ninety on Sunday.",
        "The software update fixed the bug that crashed the app.",
        "They adopted a puppy from the animal shelter.",
        "The farmers' market sells fresh strawberries on Saturdays.",
        "Police arrested a man suspected of planning a terrorist attack on the city centre.",
        "The government raised the terrorism threat level after the bombing.",
        "Investigators say the attacker had been radicalised online.",
        "The court sentenced the extremist recruiter to twelve years in prison.",
        "Thousands gathered to mourn the victims of the attack.",
        "Researchers study how terrorist groups use social media for propaganda.",
        "The Islamic State lost its last territory in Syria in 2019.",
        "A new report examines the rise of far-right violent extremism in Europe.",
        "Security services foiled a plot to attack a concert.",
        "The minister condemned the attack and promised to support the victims' families.",
        "Counter-terrorism police are appealing for witnesses.",
        "The documentary explains how young people are recruited by extremist groups.",
        "Survivors of the bombing spoke about their recovery at the memorial.",
        "The trial of the suspected militants began on Monday.",
        "Violence is never the answer, and those who preach hatred betray our faith.",
        "Terrorists do not represent Islam; killing innocents is a grave sin.",
        "We stand together against hatred, whatever our religion or background.",
        "If someone online tries to recruit you to violence, talk to someone you trust.",
        "Extremist propaganda lies to young people about glory and martyrdom.",
        "Our community rejects racism and the conspiracy theory of replacement.",
        "Former extremists explain why they left violent movements behind.",
        "The imam urged young people to reject the calls of violent groups.",
        "Teachers are being trained to spot signs of radicalisation.",
        "History shows that political violence destroys the very people it claims to defend.",
        "The charity helps refugees who fled the war rebuild their lives.",
        "The army withdrew its soldiers from the border region.",
        "Historians debate the causes of the First World War.",
        "The film tells the story of a soldier returning home from the war.",
        "The election results will be announced tomorrow morning.",
        "Protesters marched peacefully through the capital demanding reform.",
    ];

    /// <summary>Obfuscated spellings (leetspeak, homoglyphs, spacing) of base sentences, by base index.</summary>
    public static readonly (int Base, string Text)[] Obfuscated =
    [
        (0, "T4ke up 4rms 4nd j01n th3 f1ght 4ga1nst th3 unb3l13v3rs"),
        (2, "K1ll th3m wh3r3v3r y0u f1nd th3m, sh0w n0 m3rcy"),
        (12, "Jоin оur rаnks аnd bеcоmе а sоldiеr оf thе Islаmic Stаtе"),
        (4, "M@rtyrd0m 1s th3 h1gh3st h0n0ur @ w@rr10r c@n @ch13v3"),
        (18, "\uff21\uff4e\uff59\uff4f\uff4e\uff45 who insults the prophet must be \uff45\uff58\uff45\uff43\uff55\uff54\uff45\uff44"),
    ];

    /// <summary>Translations of base sentences into other languages, by base index: the model is English-centred.</summary>
    public static readonly (int Base, string Language, string Text)[] OtherLanguages =
    [
        (0, "fr", "Prenez les armes et rejoignez le combat contre les mécréants."),
        (0, "de", "Greift zu den Waffen und schließt euch dem Kampf gegen die Ungläubigen an."),
        (2, "es", "Mátalos dondequiera que los encuentres, sin piedad."),
        (12, "fr", "Rejoignez nos rangs et devenez un soldat de l'État islamique."),
        (4, "de", "Das Martyrium ist die höchste Ehre, die ein Krieger erreichen kann."),
        (2, "ar", "اقتلوهم حيث وجدتموهم ولا ترحموا أحدا"),
    ];
}
