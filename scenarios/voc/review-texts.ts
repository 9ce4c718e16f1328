/** Review snippets by aspect and tone, in English and Chinese: what the generator puts together. */
export type Aspect = 'shipping' | 'quality' | 'price' | 'service';
export type Tone = 'negative' | 'positive';

export const SNIPPETS: Readonly<
  Record<'en' | 'zh', Readonly<Record<Aspect, Readonly<Record<Tone, readonly string[]>>>>>
> = {
  en: {
    shipping: {
      negative: [
        'The parcel arrived two weeks late',
        'Box was crushed when it finally showed up',
        'Tracking said delivered, nothing at my door',
        'Courier left it in the rain',
      ],
      positive: ['Arrived a day early', 'Fast delivery, well packed', 'Shipping was quick'],
    },
    quality: {
      negative: [
        'Stopped working after three days',
        'The lid cracked the first time I used it',
        'Cheap plastic, feels flimsy',
        'Battery barely lasts an hour',
      ],
      positive: ['Solid build, feels premium', 'Works exactly as described', 'Great sound for the size'],
    },
    price: {
      negative: ['Way overpriced for what you get', 'Found it for half the price elsewhere'],
      positive: ['Great value for money', 'Cheaper than the big brands and just as good'],
    },
    service: {
      negative: ['Support never answered my emails', 'Refund took a month and three calls'],
      positive: ['Support replaced it without any fuss', 'Friendly and quick customer service'],
    },
  },
  zh: {
    shipping: {
      negative: ['快递太慢了，等了一个多星期', '包装破损，盒子都压扁了', '物流信息一直不更新'],
      positive: ['物流很快，第二天就到了', '包装很好，没有损坏'],
    },
    quality: {
      negative: ['用了三天就坏了', '做工粗糙，有异味', '电池不耐用'],
      positive: ['质量很好，做工精细', '音质不错，物超所值'],
    },
    price: {
      negative: ['价格偏贵，不值这个价', '买贵了，别家便宜一半'],
      positive: ['性价比很高', '价格实惠'],
    },
    service: {
      negative: ['客服态度很差，一直不回复', '退款拖了很久'],
      positive: ['客服很耐心，问题很快解决了', '售后服务很好'],
    },
  },
};

/** Said with the opposite meaning: "great" about a broken thing. */
export const SARCASM: readonly string[] = [
  'Oh great, another charger that melts. Five stars for the smell',
  'Wonderful, it broke before I even opened the manual',
  '真是太好了，用一天就坏',
];

export const EMOJI: readonly string[] = ['😡', '👍', '😂', '🙄', '❤️', '📦', '💔', '🔥'];
